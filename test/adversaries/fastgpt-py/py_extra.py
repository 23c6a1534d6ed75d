#!/usr/bin/env python3
"""A /chat server shaped like a Flask app on the Werkzeug 2.0 development server (http.server based).

Usage: py_extra.py [--mode flask|gbk]
Prints "PORT <n>" on stdout once it listens on 127.0.0.1 (ephemeral port); exits when stdin closes.
The bot is py_server.reply (shared with the first-round Python server).

flask (conformant): HTTP/1.0 answers; the event stream has no Content-Length and no chunking, it ends
  when the server closes the connection (close-delimited body); `Server: Werkzeug/2.0.3 Python/...`;
  frames `event: x\\ndata: json.dumps(ensure_ascii=False)\\n\\n`; JSON bodies as Flask's jsonify writes
  them (ensure_ascii=True -> \\uXXXX escapes, sort_keys=True, trailing newline); refusals are
  400 jsonify(code="400", msg=...) in both modes.
gbk (FAULT): identical, but the event stream is encoded in GBK and labelled `charset=gbk`.
"""
import json
import platform
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from py_server import STAGES, reply  # noqa: E402  (same folder)

MODE = sys.argv[sys.argv.index("--mode") + 1] if "--mode" in sys.argv else "flask"
LOCK = threading.Lock()
TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def jsonify(value):
    return (json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":")) + "\n").encode("ascii")


def problems_of(body):
    if not isinstance(body, dict):
        return ["request body must be a JSON object"]
    out = []
    for f in ("sessionId", "timeStamp", "text"):
        if f not in body or body[f] is None:
            out.append("%s is required" % f)
        elif not isinstance(body[f], str):
            out.append("%s must be a string" % f)
    if "stream" in body and body["stream"] is not None and not isinstance(body["stream"], bool):
        out.append("stream must be a boolean")
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    server_version = "Werkzeug/2.0.3"
    sys_version = "Python/" + platform.python_version()

    def log_message(self, *args):
        pass

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def send_json(self, status, value):
        body = jsonify(value)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.send_json(405, {"code": "405", "msg": "Method Not Allowed"})

    def do_POST(self):
        try:
            self.chat()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def chat(self):
        path, _, query = self.path.partition("?")
        if path != "/chat":
            return self.send_json(404, {"code": "404", "msg": "Not Found"})
        raw = self.read_body()
        params = dict(p.partition("=")[::2] for p in query.split("&") if p)
        q = params.get("stream")
        if q is not None and q.lower() not in TRUE + FALSE:
            return self.send_json(400, {"code": "400", "msg": "stream must be a boolean"})
        try:
            body = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return self.send_json(400, {"code": "400", "msg": "request body is not valid JSON"})
        problems = problems_of(body)
        if problems:
            return self.send_json(400, {"code": "400", "msg": "; ".join(problems)})
        streaming = (q is not None and q.lower() in TRUE) or body.get("stream") is True
        with LOCK:
            code, text = reply(body["sessionId"], body["text"])
        if not streaming:
            return self.send_json(200, {"sessionId": body["sessionId"], "nextStageCode": code,
                                        "nextStage": STAGES[code], "text": text})
        charset = "gbk" if MODE == "gbk" else "utf-8"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=%s" % charset)
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.flush()
        frames = [("stage_code", {"nextStageCode": code, "nextStage": STAGES[code]})]
        frames += [("text_delta", {"text": text[i:i + 5]}) for i in range(0, len(text), 5)]
        frames.append(("done", {"status": "completed"}))
        for event, data in frames:
            chunk = "event: %s\ndata: %s\n\n" % (event, json.dumps(data, ensure_ascii=False))
            self.wfile.write(chunk.encode(charset, errors="replace"))
            self.wfile.flush()
            threading.Event().wait(0.012)
        # HTTP/1.0: the handler returns, the server closes the connection, and that ends the body


class Server(ThreadingHTTPServer):
    request_queue_size = 256  # the tool runs many cases at once; the default backlog of 5 would stall them
    daemon_threads = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()  # parent gone or close() -> EOF
    server.shutdown()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
