#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Second-round pocketqa backends on python-socketio (AsyncServer) + aiohttp.

usage: pyextra.py MODE     (127.0.0.1, port 0; prints "PORT <n>"; exits on SIGTERM or stdin EOF)

conformant modes
  concurrent      python-socketio's default async_handlers and no per-connection lock: two questions on
                  one connection are answered at the same time (frames interleave, each with its room);
                  3-character deltas 30 ms apart; answers SUM_CS/QA_CS/GEN_CS too
  greeting        emits a 'connected' event {'data': {'sid', 'msg'}} to every new socket (its own sid only)
  slow-first      retrieval takes 1.8 s before the first frame; 300 ms pause before an empty-delta stop frame;
                  no per-connection lock (two questions on one socket are answered side by side)
  pretty-json     a custom json module: ensure_ascii=False, indent=1, sort_keys=True (keys in another order,
                  newlines inside every packet, the Engine.IO handshake included)
faulty modes (one fault each)
  stop-delta-null     the separate stop frame carries delta None (null) instead of a string
  string-reply        a CHAT_CS that arrived as a JSON string is answered with CHAT_SS payloads that are JSON
                      strings too (json.dumps of {'data': ...}) instead of objects
  double-emit         the socket enters the room; every frame is emitted to the room AND to the sid, so the
                      asker receives each frame (and the stop) twice
  lobby-broadcast     every socket enters a 'lobby' room on connect; a question without a room is answered to
                      the room 'lobby', i.e. to every connected client
  room-absent         data['room'] is only set when the client sent a room: answers to a room-less question
                      have no data.room
  clue-score-float    clue.data carries the retrieval score as a float (0.92...) instead of a string
"""
import asyncio
import json
import os
import signal
import sys

import socketio
from aiohttp import web

from pyqa_common import KINDS, answer_text, as_str, fixed, parse, received_for, sentences  # noqa: F401

MODE = sys.argv[1] if len(sys.argv) > 1 else 'concurrent'


class PrettyJson:
    """Drop-in json module for python-socketio / python-engineio (they pass separators=...)."""
    @staticmethod
    def dumps(obj, **_kw):
        return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True)

    @staticmethod
    def loads(s, **kw):
        return json.loads(s, **kw)


kwargs = {'async_mode': 'aiohttp', 'cors_allowed_origins': '*', 'logger': False, 'engineio_logger': False}
if MODE == 'pretty-json':
    kwargs['json'] = PrettyJson
sio = socketio.AsyncServer(**kwargs)
app = web.Application()
sio.attach(app)

histories = {}
locks = {}


def enter_room(sid, room):
    r = sio.enter_room(sid, room)
    return r if asyncio.iscoroutine(r) else asyncio.sleep(0)


async def answer(kind, sid, req, as_string):
    if MODE == 'lobby-broadcast':
        room = req['room'] or 'lobby'
    else:
        room = req['room'] or sid
    key = f'{kind}:{room}' if MODE != 'lobby-broadcast' or req['room'] else f'{kind}:{sid}'
    history = histories.get(key, [])
    text = answer_text(kind, req, len(history) + 1)
    received = received_for(req, sid, room, history)
    if MODE == 'clue-score-float':
        received['clue']['data'][1] = float(received['clue']['data'][1])  # BUG: numpy float passed through

    pieces = fixed(text, 3) if MODE == 'concurrent' else sentences(text)
    separate_stop = MODE in ('slow-first', 'stop-delta-null', 'pretty-json')
    frames = []
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1 and not separate_stop
        frames.append({'room': room, 'received': received, 'delta': piece,
                       'finish_reason': 'stop' if last else None})
    if separate_stop:
        frames.append({'room': room, 'received': received,
                       'delta': None if MODE == 'stop-delta-null' else '',  # stop-delta-null: BUG
                       'finish_reason': 'stop'})
    if MODE == 'room-absent' and not req['room']:
        for f in frames:
            del f['room']  # BUG: data['room'] only set `if room:`

    if MODE in ('double-emit', 'lobby-broadcast'):
        await enter_room(sid, room)
    await asyncio.sleep(1.8 if MODE == 'slow-first' else 0.03)
    event = f'{kind}_SS'
    for i, data in enumerate(frames):
        if i:
            gap = 0.03 if MODE == 'concurrent' else 0.02
            if MODE == 'slow-first' and i == len(frames) - 1:
                gap = 0.3
            await asyncio.sleep(gap)
        if i == len(frames) - 1:
            histories[key] = history + [[req['text'], text]]
        payload = {'data': data}
        if MODE == 'string-reply' and as_string:
            payload = json.dumps(payload, ensure_ascii=False)  # BUG: mirrors the client's json.dumps
        if MODE == 'double-emit':
            await sio.emit(event, payload, room=room)
            await sio.emit(event, payload, to=sid)  # BUG: the asker is in the room too
        elif MODE == 'lobby-broadcast':
            await sio.emit(event, payload, room=room)
        else:
            await sio.emit(event, payload, to=sid)


def handler(kind):
    async def on_event(sid, *args):
        req, as_string = parse(args[0] if args else None)
        if req is None:
            return
        if MODE in ('concurrent', 'slow-first'):  # no per-connection lock: answers may overlap
            await answer(kind, sid, req, as_string)
            return
        lock = locks.setdefault(sid, asyncio.Lock())
        async with lock:
            await answer(kind, sid, req, as_string)
    return on_event


sio.on('CHAT_CS', handler('CHAT'))
if MODE == 'concurrent':
    for k in KINDS:
        sio.on(f'{k}_CS', handler(k))


@sio.event
async def connect(sid, environ, auth=None):
    if MODE == 'lobby-broadcast':
        await enter_room(sid, 'lobby')
    if MODE == 'greeting':
        async def greet():
            await asyncio.sleep(0.02)
            await sio.emit('connected', {'data': {'sid': sid, 'msg': '连接成功,请输入您的问题'}}, to=sid)
        sio.start_background_task(greet)


@sio.event
async def disconnect(sid):
    locks.pop(sid, None)


async def index(_request):
    return web.Response(text='pocketqa socket.io server\n')

app.router.add_get('/', index)


async def main():
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, '127.0.0.1', 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print(f'PORT {port}', flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)

    def stdin_closed():
        if not sys.stdin.buffer.read1(4096):
            loop.remove_reader(sys.stdin.fileno())
            stop.set()
    loop.add_reader(sys.stdin.fileno(), stdin_closed)
    await stop.wait()
    os._exit(0)


if __name__ == '__main__':
    asyncio.run(main())
