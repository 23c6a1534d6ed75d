"""Conformant tasks server (specs/003) on Python's standard library only: http.server.

Usage: python3 py_stdlib_server.py PORT TOKEN   (PORT 0 = ephemeral; prints "PORT <n>" once listening)

What a stdlib backend looks like on the wire:
- BaseHTTPRequestHandler's default protocol_version "HTTP/1.0": status line "HTTP/1.0 200 OK", and JSON
  answers carry no Content-Length: the body ends when the server closes the connection.
- json.dumps defaults: ", " / ": " separators, ensure_ascii=True (CJK as \\uXXXX escapes).
- Errors via send_error(): the stock HTML error page (text/html), with a Content-Length.
- Tasks page at most 3 events per poll; status "running" until the cursor reaches the end.
"""
import json
import random
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs, unquote

TOKEN = sys.argv[2] if len(sys.argv) > 2 else "dev-token"
PAGE = 3
LOCK = threading.Lock()
WORKSPACES = {}     # ws -> set(conversation ids)
CONVERSATIONS = {}  # id -> ws
TASKS = {}          # id -> {"t0", "events": [(at, event)], "done_at"}


def make_plan(message):
    text = "好的,关于「%s」:任务已在后台执行,结果以增量事件返回。Done." % message[:16]
    t = 0.08 + random.random() * 0.05
    events = [(t, {"type": "run_started", "data": {"run_mode": "fast"}})]
    i = 0
    while i < len(text):
        n = random.randint(2, 5)
        t += 0.03 + random.random() * 0.04
        events.append((t, {"type": "text_chunk", "data": {"content": text[i:i + n]}}))
        i += n
    return events, t + 0.03


class Handler(BaseHTTPRequestHandler):
    server_version = "BaseHTTP/0.6"

    def log_message(self, *args):
        pass

    def send_json(self, status, obj):
        body = json.dumps(obj).encode("ascii")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()          # no Content-Length: HTTP/1.0, close-delimited
        self.wfile.write(body)

    def authorized(self):
        h = self.headers.get("Authorization", "")
        m = re.match(r"^Bearer (\S+)$", h)
        if m and m.group(1) == TOKEN:
            return True
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Bearer realm="tasks"')
        self.send_header("Content-Type", "text/html;charset=utf-8")
        page = b"<html><body><h1>401 Unauthorized</h1></body></html>\n"
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)
        return False

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = b""
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if 0 < n <= 1 << 20 else b""

    def json_body(self):
        try:
            obj = json.loads(self.raw_body.decode("utf-8") or "null")
        except (ValueError, UnicodeDecodeError):
            return None
        return obj if isinstance(obj, dict) else None

    def route(self):
        parts = urlsplit(self.path)
        seg = [unquote(s) for s in parts.path.split("/") if s]
        return seg, parse_qs(parts.query)

    def do_POST(self):
        self.raw_body = self.read_body()  # always drained first: closing with unread input would reset
        seg, _ = self.route()
        if seg[:2] != ["api", "v1"]:
            return self.send_error(404, "Not Found")
        if not self.authorized():
            return
        if seg[2:] == ["workspaces"]:
            body = self.json_body()
            ws = body.get("workspace_id") if body else None
            if not isinstance(ws, str) or not ws.strip():
                return self.send_error(400, "workspace_id is required")
            with LOCK:
                WORKSPACES.setdefault(ws, set())
            return self.send_json(200, {"workspace_id": ws})
        if len(seg) == 5 and seg[2] == "workspaces" and seg[4] in ("conversations", "messages"):
            ws = seg[3]
            body = self.json_body() if seg[4] == "messages" else None
            with LOCK:
                if ws not in WORKSPACES:
                    return self.send_error(404, "workspace not found")
                if seg[4] == "conversations":
                    cid = uuid.uuid4().hex[:12]
                    CONVERSATIONS[cid] = ws
                    WORKSPACES[ws].add(cid)
                    return self.send_json(200, {"conversation_id": cid})
            if body is None:
                return self.send_error(400, "body must be a JSON object")
            cid, msg, mi = body.get("conversation_id"), body.get("message"), body.get("max_iterations")
            if not isinstance(cid, str) or not isinstance(msg, str) or not msg.strip():
                return self.send_error(400, "conversation_id and message are required")
            if "run_mode" in body and not isinstance(body["run_mode"], str):
                return self.send_error(400, "run_mode must be a string")
            if mi is not None and (type(mi) is not int or mi <= 0):
                return self.send_error(400, "max_iterations must be a positive integer")
            with LOCK:
                if CONVERSATIONS.get(cid) != ws:
                    return self.send_error(404, "conversation not found")
                tid = str(uuid.uuid4())
                events, done_at = make_plan(msg)
                TASKS[tid] = {"t0": time.monotonic(), "events": events, "done_at": done_at}
            return self.send_json(200, {"task_id": tid})
        return self.send_error(404, "Not Found")

    def do_GET(self):
        seg, query = self.route()
        if seg[:2] != ["api", "v1"]:
            return self.send_error(404, "Not Found")
        if not self.authorized():
            return
        if len(seg) != 4 or seg[2] != "tasks":
            return self.send_error(404, "Not Found")
        raw = query.get("from", ["0"])[0]
        if not re.fullmatch(r"\d{1,9}", raw):
            return self.send_error(400, "from must be a non-negative integer")
        with LOCK:
            task = TASKS.get(seg[3])
        if task is None:
            return self.send_error(404, "task not found")
        frm = int(raw)
        now = time.monotonic() - task["t0"]
        evs = task["events"]
        visible = sum(1 for at, _ in evs if at <= now)
        page = [e for _, e in evs[frm:min(visible, frm + PAGE)]] if frm < visible else []
        nxt = frm + len(page)
        status = "completed" if now >= task["done_at"] and nxt >= len(evs) else "running"
        return self.send_json(200, {"data": {"status": status, "next_offset": nxt, "events": page}})

    def do_PUT(self):
        self.send_error(405, "Method Not Allowed")

    do_DELETE = do_PATCH = do_PUT


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    httpd.daemon_threads = True
    print("PORT %d" % httpd.server_address[1], flush=True)
    try:
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
