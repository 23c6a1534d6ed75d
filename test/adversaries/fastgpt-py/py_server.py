#!/usr/bin/env python3
"""A Python (aiohttp) /chat server in the style of FastAPI + sse-starlette.

Usage: py_server.py [--fault repr]
Prints "PORT <n>" on stdout once it listens on 127.0.0.1 (ephemeral port); exits when stdin closes.
Framing like sse-starlette: CRLF line endings, a ": ping - <time>" comment first, named events,
json.dumps(ensure_ascii=False). Refusals like FastAPI: 422 {"detail": [...]} in both modes.
--fault repr: the payload is written with str(dict) (Python repr, single quotes) instead of json.dumps.
"""
import asyncio
import datetime
import json
import re
import sys

from aiohttp import web

STAGES = {
    "0000": "结束通话", "0001": "转接人工", "0002": "语义无法识别转接人工", "0003": "有人伤转接人工",
    "1001": "未准备好通话", "1002": "通话中", "2000": "进入单车拍照",
}
FAULT = sys.argv[sys.argv.index("--fault") + 1] if "--fault" in sys.argv else None
SESSIONS = {}


def clip(s):
    return s[:40] + "…" if len(s) > 40 else s


def reply(session_id, text):
    s = SESSIONS.setdefault(session_id, {"step": 0, "ended": False, "history": []})
    t = text.strip()
    earlier = list(s["history"])
    s["history"].append(clip(t))

    def end(code, msg):
        s["ended"] = True
        return code, msg

    if s["ended"]:
        return "0000", "本次通话已结束,感谢您的来电,再见。"
    if t == "":
        return end("0002", "抱歉,没有听清您的意思,正在为您转接人工客服。")
    if re.search("人工|客服", t):
        return end("0001", "好的,正在为您转接人工客服,请稍候。")
    if re.search("伤|流血|救护", t) and not re.search("没|无|不", t):
        return end("0003", "了解到现场有人受伤,正在为您转接人工,请保持电话畅通。")
    if re.search("稍等|等一下|等等|没准备好", t):
        return "1001", "好的,您准备好之后请随时告诉我。"
    step = s["step"]
    s["step"] += 1
    if step == 0:
        return "1002", "您好,这里是事故报案助手,请问发生了什么情况?"
    if step == 1:
        return "1002", "收到,您刚才提到“%s”。请问现场有人受伤吗?" % (earlier[-1] if earlier else t)
    if step == 2:
        return "2000", "好的,已为您记录事故信息。接下来请对车辆进行拍照,先拍车辆前方全景。"
    return end("0000", "感谢您的配合,本次报案已记录(共%d轮),再见。" % (len(earlier) + 1))


def problem(loc, typ, msg, inp=None):
    p = {"type": typ, "loc": loc, "msg": msg}
    if inp is not None:
        p["input"] = inp
    return p


def validate(body):
    if not isinstance(body, dict):
        return [problem(["body"], "model_attributes_type", "Input should be a valid dictionary")]
    out = []
    for f in ("sessionId", "timeStamp", "text"):
        if body.get(f) is None:
            out.append(problem(["body", f], "missing", "Field required"))
        elif not isinstance(body[f], str):
            out.append(problem(["body", f], "string_type", "Input should be a valid string", body[f]))
    st = body.get("stream")
    if st is not None and not isinstance(st, bool):
        out.append(problem(["body", "stream"], "bool_type", "Input should be a valid boolean", st))
    return out


def encode(data):
    if FAULT == "repr":
        return str(data)
    return json.dumps(data, ensure_ascii=False)


async def chat(request: web.Request):
    q = request.query.get("stream")
    query_stream = False
    if q is not None:
        if q.lower() in ("true", "1", "yes", "on"):
            query_stream = True
        elif q.lower() not in ("false", "0", "no", "off"):
            return web.json_response({"detail": [problem(["query", "stream"], "bool_parsing", "Input should be a valid boolean")]}, status=422)
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        return web.json_response({"detail": [problem(["body"], "json_invalid", "JSON decode error")]}, status=422)
    problems = validate(body)
    if problems:
        return web.json_response({"detail": problems}, status=422, dumps=lambda v: json.dumps(v, ensure_ascii=False))
    code, text = reply(body["sessionId"], body["text"])
    if not (query_stream or body.get("stream") is True):
        return web.json_response(
            {"sessionId": body["sessionId"], "nextStageCode": code, "nextStage": STAGES[code], "text": text},
            dumps=lambda v: json.dumps(v, ensure_ascii=False))
    resp = web.StreamResponse(status=200, headers={
        "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    await resp.prepare(request)

    async def send(event, data):
        await resp.write(("event: %s\r\ndata: %s\r\n\r\n" % (event, encode(data))).encode("utf-8"))
        await asyncio.sleep(0.015)

    await resp.write((": ping - %s\r\n\r\n" % datetime.datetime.now()).encode("utf-8"))
    await send("stage_code", {"nextStageCode": code, "nextStage": STAGES[code]})
    for i in range(0, len(text), 4):
        await send("text_delta", {"text": text[i:i + 4]})
    await send("done", {"status": "completed"})
    await resp.write_eof()
    return resp


async def not_found(request):
    return web.json_response({"detail": "Not Found"}, status=404)


async def main():
    app = web.Application(client_max_size=16 << 20)
    app.router.add_post("/chat", chat)
    app.router.add_route("*", "/{tail:.*}", not_found)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print("PORT %d" % port, flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # parent gone or close() -> stdin EOF
    await runner.cleanup()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
