#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""pocketqa backend on python-socketio + aiohttp, the way real PocketQA backends are written.

usage: pyserver.py MODE      (listens on 127.0.0.1, port 0; prints "PORT <n>" on stdout)

modes
  rooms            conformant: the socket enters the chat room, answers are emitted to that room;
                   received.sid is the socket sid; partial frames have finish_reason None
  sid              conformant: answers are emitted to the asking sid only; sentence chunks,
                   partial finish_reason "", a final empty-delta stop frame; SUM/QA/GEN implemented
  emit-without-to  FAULT: the answer is emitted without to=/room= -> broadcast to every client
  object-ignored   FAULT: json.loads(data) on every payload -> an object payload raises, no answer
The process exits when its stdin closes (the parent went away) or on SIGTERM.
"""
import asyncio
import json
import os
import re
import signal
import sys

import socketio
from aiohttp import web

MODE = sys.argv[1] if len(sys.argv) > 1 else 'rooms'

sio = socketio.AsyncServer(async_mode='aiohttp', cors_allowed_origins='*',
                           logger=False, engineio_logger=False)
app = web.Application()
sio.attach(app)

histories = {}
locks = {}

CLUE = {'type': '知识库依据:',
        'data': ['材料:身份证补领办事指南', '0.9247700572013855',
                 '<small><i>(由语言模型自动生成)</i></small>']}
ALTER = ['身份证丢失后如何挂失', '异地如何补办身份证', '临时身份证怎么办理']


def as_str(v):
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return ''


def parse(payload):
    """Normalised request dict, or None for an unusable payload."""
    if MODE == 'object-ignored':
        payload = json.loads(payload)  # the sample client sends a JSON string; a dict raises TypeError
    elif isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return None
    if not isinstance(payload, dict):
        return None
    text = payload.get('text')
    if not isinstance(text, str) or not text.strip():
        return None
    return {'text': text, 'room': as_str(payload.get('room')), 'dialogue': as_str(payload.get('dialogue')),
            'upload_id': as_str(payload.get('upload_id')), 'sid': as_str(payload.get('sid'))}


def answer_text(kind, req, turn):
    head = {'CHAT': '您好', 'SUM': '摘要', 'QA': '问答', 'GEN': '生成'}.get(kind, '您好')
    q = req['text'].strip()[:60]
    return (f'{head}(第{turn}轮),关于“{q}”:根据《中华人民共和国身份证法》第二十五条规定,'
            '公民丢失身份证,应当向常住户口所在地的派出所申请补发。该派出所应当自公民提交补发申请之日起十日内审核并发放。'
            '咨询电话:12388。')


def chunks(text):
    if MODE == 'sid':
        return re.findall(r'[^,。:]+[,。:]?', text) or [text]
    return [text[i:i + 5] for i in range(0, len(text), 5)]


async def answer(kind, sid, req):
    room = req['room'] or sid
    key = f'{kind}:{room}'
    history = histories.get(key, [])
    text = answer_text(kind, req, len(history) + 1)
    received = {
        'text': re.sub(r'[??]+\s*$', '', req['text']),
        'prompt': '材料:' + req['text'][:20],
        'sid': sid if MODE != 'sid' else (req['sid'] or sid),
        'room': room,
        'dialogue': req['dialogue'] or sid,
        'upload_id': req['upload_id'],
        'clue': CLUE,
        'alter': ALTER,
        'history': [list(p) for p in history],
    }
    event = f'{kind}_SS'
    pieces = chunks(text)
    partial = '' if MODE == 'sid' else None
    frames = []
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1 and MODE != 'sid'
        frames.append({'room': room, 'received': received, 'delta': piece,
                       'finish_reason': 'stop' if last else partial})
    if MODE == 'sid':
        frames.append({'room': room, 'received': received, 'delta': '', 'finish_reason': 'stop'})

    if MODE == 'rooms':
        await sio.enter_room(sid, room) if asyncio.iscoroutinefunction(sio.enter_room) else sio.enter_room(sid, room)
    await asyncio.sleep(0.04)
    for i, data in enumerate(frames):
        if i:
            await asyncio.sleep(0.02 if MODE != 'sid' else 0.05)
        if MODE == 'rooms':
            await sio.emit(event, {'data': data}, room=room)
        elif MODE == 'emit-without-to':
            await sio.emit(event, {'data': data})  # BUG: no to=sid
        else:
            await sio.emit(event, {'data': data}, to=sid)
    histories[key] = history + [[req['text'], text]]


def handler(kind):
    async def on_event(sid, *args):
        payload = args[0] if args else None
        req = parse(payload)
        if req is None:
            return
        lock = locks.setdefault(sid, asyncio.Lock())
        async with lock:  # one answer at a time per connection
            await answer(kind, sid, req)
    return on_event


sio.on('CHAT_CS', handler('CHAT'))
if MODE == 'sid':
    for k in ('SUM', 'QA', 'GEN'):
        sio.on(f'{k}_CS', handler(k))


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
    os._exit(0)  # drop every connection at once, like a killed worker


if __name__ == '__main__':
    asyncio.run(main())
