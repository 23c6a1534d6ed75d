#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""pocketqa backend on python-socketio's *synchronous* Server (async_mode='threading') behind a threaded
WSGI server (wsgiref + ThreadingMixIn), the way a Flask-SocketIO app runs without eventlet/gevent.

Conformant. What differs from the aiohttp servers:
  - no WebSocket driver is installed for the threading mode, so the handshake offers no upgrade and the
    connection stays on HTTP long-polling for its whole life;
  - wsgiref answers HTTP/1.0 and closes every connection after one response (no keep-alive);
  - every event handler runs in its own thread; frames are paced with time.sleep; sentence-sized deltas,
    partial finish_reason "" and the last text frame carries "stop".

usage: pywsgi.py          (127.0.0.1, port 0; prints "PORT <n>"; exits on SIGTERM or stdin EOF)
"""
import os
import signal
import socketserver
import sys
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import socketio

from pyqa_common import answer_text, parse, received_for, sentences

sio = socketio.Server(async_mode='threading', cors_allowed_origins='*', logger=False,
                      engineio_logger=False)
histories = {}
hist_lock = threading.Lock()
sid_locks = {}


def index(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain; charset=utf-8')])
    return [b'pocketqa socket.io server (wsgi)\n']


app = socketio.WSGIApp(sio, index)


@sio.on('CHAT_CS')
def chat(sid, *args):
    req, _ = parse(args[0] if args else None)
    if req is None:
        return
    with sid_locks.setdefault(sid, threading.Lock()):
        room = req['room'] or sid
        key = f'CHAT:{room}'
        with hist_lock:
            history = list(histories.get(key, []))
        text = answer_text('CHAT', req, len(history) + 1)
        received = received_for(req, sid, room, history)
        pieces = sentences(text)
        time.sleep(0.05)
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            if i:
                time.sleep(0.02)
            if last:
                with hist_lock:
                    histories[key] = history + [[req['text'], text]]
            sio.emit('CHAT_SS', {'data': {'room': room, 'received': received, 'delta': piece,
                                          'finish_reason': 'stop' if last else ''}}, to=sid)


@sio.event
def disconnect(sid):
    sid_locks.pop(sid, None)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *_a):
        pass


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main():
    httpd = make_server('127.0.0.1', 0, app, server_class=ThreadingWSGIServer,
                        handler_class=QuietHandler)
    print(f'PORT {httpd.server_address[1]}', flush=True)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))

    def watch_stdin():
        while sys.stdin.buffer.read1(4096):
            pass
        os._exit(0)
    threading.Thread(target=watch_stdin, daemon=True).start()
    httpd.serve_forever()


if __name__ == '__main__':
    main()
