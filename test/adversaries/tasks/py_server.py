"""Independent aiohttp implementation of the tasks protocol (specs/003), conformant.

Usage: python3 py_server.py PORT TOKEN   (PORT 0 = ephemeral; prints "PORT <n>" once listening)
Differences from the Node base: pages of 4 events, ASCII-escaped JSON, FastAPI-like error bodies,
a leading undocumented "status" event, word-sized text chunks, hex ids.
"""
import asyncio
import json
import random
import re
import signal
import sys
import time
import uuid

from aiohttp import web

PAGE = 4
TOKEN = sys.argv[2] if len(sys.argv) > 2 else "dev-token"
workspaces = {}      # ws -> set(conv ids)
conversations = {}   # conv -> ws
tasks = {}           # task id -> dict


def jres(obj, status=200, headers=None):
    return web.Response(status=status, text=json.dumps(obj), content_type="application/json", headers=headers)


def err(status, detail):
    return jres({"detail": detail}, status)


def plan(message):
    text = "Answer about %s: polling works by reading events from an offset until the task ends. 完成。" % message[:30]
    words = re.findall(r"\S+\s*", text)
    t = 0.05 + random.random() * 0.05
    events = [{"type": "status", "data": {"stage": "started"}, "at": t}]
    for w in words:
        t += 0.03 + random.random() * 0.05
        events.append({"type": "text_chunk", "data": {"content": w}, "at": t})
    return events, t + 0.02


@web.middleware
async def auth_mw(request, handler):
    if request.headers.get("Authorization", "") != "Bearer " + TOKEN:
        return jres({"detail": "Not authenticated"}, 401, {"WWW-Authenticate": "Bearer"})
    try:
        return await handler(request)
    except web.HTTPException as e:
        return err(e.status, e.reason)


async def read_obj(request):
    try:
        raw = await request.text()
        body = json.loads(raw) if raw.strip() else None
    except Exception:
        return None
    return body if isinstance(body, dict) else None


async def create_ws(request):
    body = await read_obj(request)
    ws = body.get("workspace_id") if body else None
    if not isinstance(ws, str) or not ws.strip():
        return err(422, [{"loc": ["body", "workspace_id"], "msg": "field required", "type": "value_error"}])
    created = ws not in workspaces
    workspaces.setdefault(ws, set())
    return jres({"workspace_id": ws, "created": created})


async def create_conv(request):
    ws = request.match_info["ws"]
    if ws not in workspaces:
        return err(404, "workspace not found")
    cid = uuid.uuid4().hex
    conversations[cid] = ws
    workspaces[ws].add(cid)
    return jres({"conversation_id": cid})


async def create_msg(request):
    ws = request.match_info["ws"]
    if ws not in workspaces:
        return err(404, "workspace not found")
    body = await read_obj(request)
    if body is None:
        return err(422, [{"loc": ["body"], "msg": "invalid JSON object", "type": "value_error"}])
    cid, msg, mi = body.get("conversation_id"), body.get("message"), body.get("max_iterations")
    if not isinstance(cid, str) or not cid:
        return err(422, [{"loc": ["body", "conversation_id"], "msg": "field required", "type": "value_error"}])
    if not isinstance(msg, str) or not msg.strip():
        return err(422, [{"loc": ["body", "message"], "msg": "field required", "type": "value_error"}])
    if "run_mode" in body and not isinstance(body["run_mode"], str):
        return err(422, [{"loc": ["body", "run_mode"], "msg": "str type expected", "type": "type_error"}])
    if mi is not None and (type(mi) is not int or mi <= 0):
        return err(422, [{"loc": ["body", "max_iterations"], "msg": "positive int expected", "type": "type_error"}])
    if conversations.get(cid) != ws:
        return err(404, "conversation not found")
    tid = uuid.uuid4().hex
    events, done_at = plan(msg)
    tasks[tid] = {"t0": time.monotonic(), "events": events, "done_at": done_at}
    return jres({"task_id": tid})


async def poll(request):
    task = tasks.get(request.match_info["tid"])
    if task is None:
        return err(404, "task not found")
    raw = request.query.get("from", "0")
    if not re.fullmatch(r"\d{1,9}", raw):
        return err(422, [{"loc": ["query", "from"], "msg": "non-negative integer expected", "type": "type_error"}])
    frm = int(raw)
    now = time.monotonic() - task["t0"]
    evs = task["events"]
    visible = sum(1 for e in evs if e["at"] <= now)
    page = evs[frm:min(visible, frm + PAGE)] if frm < visible else []
    nxt = frm + len(page)
    status = "completed" if now >= task["done_at"] and nxt >= len(evs) else "running"
    return jres({"data": {"status": status, "next_offset": nxt,
                          "events": [{"type": e["type"], "data": e["data"]} for e in page]}})


async def main():
    app = web.Application(middlewares=[auth_mw])
    app.router.add_post("/api/v1/workspaces", create_ws)
    app.router.add_post("/api/v1/workspaces/{ws}/conversations", create_conv)
    app.router.add_post("/api/v1/workspaces/{ws}/messages", create_msg)
    app.router.add_get("/api/v1/tasks/{tid}", poll)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print("PORT %d" % port, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
