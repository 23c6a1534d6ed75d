"""A CTAI backend (POST /v1/ctai/query_text_chat) as a Python team would write it with aiohttp,
following specs/002_cba551f1a5d093b7.txt and the "ctai" section of PROTOCOLS.md.

Real-stack traits (all legal): json.dumps with its defaults (ensure_ascii=True, so every non-ASCII
character is a \\uXXXX escape; ", " and ": " separators), sse-starlette framing (CRLF line endings,
"id:" then "data:", ": ping - <time>" comment lines), lower-case header names, chunked transfer.

Usage: python3 extra_aiohttp_server.py  -> prints "PORT <n>" once listening on 127.0.0.1:<ephemeral>.
Exits on SIGTERM or when stdin closes.
"""
import asyncio
import datetime
import json
import random
import re
import signal
import sys
import uuid

from aiohttp import web

PATH = "/v1/ctai/query_text_chat"
LANGS = ["zh_CN", "en_US", "ko_KR", "ja_JP", "th_TH"]
STRING_FIELDS = ["query_text", "ctdoc_id", "session_id", "enable_citation", "enable_followup",
                 "enable_elaborate", "smart_temp", "lang", "context", "stream", "category", "ctprofile_id"]
SESSION_RE = re.compile(r"^[0-9A-Za-z._-]*$")
SMART_TEMP_RE = re.compile(r"^(?:[0-9]|10)$")
DEFAULT_DOCS = ["kb_bus_routes", "kb_service_faq"]
CRLF = "\r\n"

sessions = {}


def dumps(obj):
    return json.dumps(obj)  # ensure_ascii=True, separators (", ", ": ")


def validate(body):
    for f in STRING_FIELDS:
        if f in body and not isinstance(body[f], str):
            return "100002", f"{f} must be a string"
    q = body.get("query_text")
    if not isinstance(q, str) or not q.strip():
        return "100001", "query_text is required"
    sid = body.get("session_id")
    if isinstance(sid, str):
        if not SESSION_RE.fullmatch(sid):
            return "100002", "session_id may only contain digits, letters and - _ ."
        if len(sid.encode("utf-8")) > 64:
            return "100002", "session_id must not exceed 64 bytes"
    for f in ["enable_citation", "enable_followup", "enable_elaborate", "stream"]:
        if f in body and body[f] not in ("0", "1"):
            return "100002", f'{f} must be "0" or "1"'
    if "smart_temp" in body and not SMART_TEMP_RE.fullmatch(body["smart_temp"]):
        return "100002", 'smart_temp must be an integer from "0" to "10"'
    if "lang" in body and body["lang"] not in LANGS:
        return "100002", "lang must be one of " + " / ".join(LANGS)
    if "category" in body and body["category"] not in ("doc_chat", "tpl_chat"):
        return "100002", "category must be doc_chat or tpl_chat"
    if body.get("category") == "tpl_chat" and "ctprofile_id" in body \
            and body["ctprofile_id"] not in ("creator", "writer"):
        return "100002", "ctprofile_id must be creator or writer when category is tpl_chat"
    return None


def requested_docs(ctdoc_id):
    if isinstance(ctdoc_id, str):
        ids = [s.strip() for s in ctdoc_id.split(",") if s.strip()]
        if ids:
            return ids[:2]
    return list(DEFAULT_DOCS)


def build_answer(query, prev):
    text = f"您好！关于「{query[:200]}」，根据知识库的资料，这里是回答。"
    if prev is not None:
        text += f"上一轮您问的是「{prev[:200]}」。"
    return text + " Hope this helps 😊"


def ref_doc(doc_id):
    return {"doc_id": doc_id, "doc_name": f"{doc_id}.pdf", "page": "1"}


def follow_ups(query):
    return [f"关于「{query[:20]}」还有哪些注意事项？", "How long does the trip take?"]


def new_id():
    return uuid.uuid4().hex


def chunks_of(text):
    out, i = [], 0
    while i < len(text):  # str slicing never splits a code point
        n = random.randint(1, 5)
        out.append(text[i:i + n])
        i += n
    return out


def ping():
    return f": ping - {datetime.datetime.now()}{CRLF}{CRLF}"


def frame(pkt):
    return f"id: {pkt['data']['msg_id']}{CRLF}data: {dumps(pkt)}{CRLF}{CRLF}"


def envelope(data):
    return {"ret": "0", "msg": "", "data": data}


async def refuse(request, ret, msg, streaming):
    if not streaming:
        return web.Response(text=dumps({"ret": ret, "msg": msg}), content_type="application/json")
    resp = web.StreamResponse(status=200, headers={"content-type": "text/event-stream; charset=utf-8",
                                                   "cache-control": "no-store"})
    resp.force_close()
    await resp.prepare(request)
    pkt = {"ret": ret, "msg": msg, "data": {"msg_id": new_id(), "msg_sn": "0", "event": "stop", "answer_text": ""}}
    await resp.write(frame(pkt).encode())
    await resp.write_eof()
    return resp


async def chat(request):
    try:
        raw = await request.read()
        body = json.loads(raw.decode("utf-8"))
    except web.HTTPRequestEntityTooLarge:
        return await refuse(request, "100004", "request body too large", False)
    except Exception:  # noqa: BLE001 - any undecodable body is a refusal
        return await refuse(request, "100003", "request body is not valid JSON", False)
    if not isinstance(body, dict):
        return await refuse(request, "100003", "request body must be a JSON object", False)
    streaming = body.get("stream") == "1"
    problem = validate(body)
    if problem:
        return await refuse(request, problem[0], problem[1], streaming)

    query = body["query_text"]
    sid = body.get("session_id") or ""
    prev = None
    if sid and not (body.get("category") == "tpl_chat" and body.get("ctprofile_id") == "creator"):
        hist = sessions.setdefault(sid, [])
        prev = hist[-1] if hist else None
        hist.append(query)
        del hist[:-20]
    text = build_answer(query, prev)
    cite = body.get("enable_citation") != "0"
    docs = requested_docs(body.get("ctdoc_id")) if cite else []
    follow = follow_ups(query) if body.get("enable_followup") != "0" else []
    extend = {"ialgo_extend_info": {"return_type": "llm_return",
                                    "doc_score": [{"doc_id": d, "score": "%.3f" % (1.233 - i * 0.2)}
                                                  for i, d in enumerate(docs)]}}

    if not streaming:
        data = {"msg_id": new_id(), "answer_text": text, "ref_doc_list": [ref_doc(d) for d in docs],
                "follow_up_list": follow, "illegal_status": "0", "extend_info": extend}
        return web.Response(text=dumps(envelope(data)), content_type="application/json")

    resp = web.StreamResponse(status=200, headers={"content-type": "text/event-stream; charset=utf-8",
                                                   "cache-control": "no-store", "x-accel-buffering": "no"})
    resp.force_close()
    await resp.prepare(request)
    await resp.write(ping().encode())
    parts = chunks_of(text)
    for sn, part in enumerate(parts):
        own = []
        if docs and sn == 0:
            own.append(ref_doc(docs[0]))
        data = {"msg_id": new_id(), "msg_sn": str(sn), "event": "", "answer_text": part, "ref_doc_list": own,
                "follow_up_list": [], "illegal_status": "0", "extend_info": {}}
        await resp.write(frame(envelope(data)).encode())
        await asyncio.sleep(random.uniform(0.005, 0.03))
        if sn % 7 == 6:
            await resp.write(ping().encode())
    stop = {"msg_id": new_id(), "msg_sn": str(len(parts)), "event": "stop", "answer_text": "",
            "ref_doc_list": [ref_doc(d) for d in docs], "follow_up_list": follow, "illegal_status": "0",
            "extend_info": extend}
    await resp.write(frame(envelope(stop)).encode())
    await resp.write_eof()
    return resp


@web.middleware
async def json_errors(request, handler):
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except (ConnectionResetError, asyncio.CancelledError):
        raise
    except Exception:  # noqa: BLE001 - never answer a framework HTML page
        return web.Response(status=500, text=dumps({"ret": "500", "msg": "internal error"}),
                            content_type="application/json")


async def not_found(request):
    await request.read()
    return web.Response(status=404, text=dumps({"ret": "404", "msg": f"no such path: {request.path}"}),
                        content_type="application/json")


async def main():
    app = web.Application(client_max_size=1 << 20, middlewares=[json_errors])
    app.router.add_post(PATH, chat)
    app.router.add_route("*", "/{tail:.*}", not_found)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_reader(sys.stdin.fileno(), lambda: (sys.stdin.buffer.read1(4096) or stop.set()))
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
