# -*- coding: utf-8 -*-
"""Shared answer logic for the second-round Python pocketqa servers (pyextra.py, pywsgi.py).

Written from document 001 (对话 socketio) and the pocketqa section of PROTOCOLS.md only.
CHAT_CS payload: {text, room?, dialogue?, upload_id, sid?} as a dict or as a JSON string.
CHAT_SS payload: {'data': {'room', 'received': {..., 'clue', 'alter', 'history'}, 'delta', 'finish_reason'}}.
"""
import json
import re

CLUE = {'type': '知识库依据:',
        'data': ['材料:居民身份证补领办事指南', '0.9247700572013855',
                 '<small><i>(由语言模型自动生成)</i></small>']}
ALTER = ['身份证丢了去哪里补办', '补办身份证需要多长时间', '临时居民身份证怎么申请']
KINDS = ('SUM', 'QA', 'GEN')


def as_str(v):
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return ''


def parse(payload):
    """(request dict, came_as_string) or (None, _) for an unusable payload."""
    as_string = isinstance(payload, str)
    if as_string:
        try:
            payload = json.loads(payload)
        except ValueError:
            return None, as_string
    if not isinstance(payload, dict):
        return None, as_string
    text = payload.get('text')
    if not isinstance(text, str) or not text.strip():
        return None, as_string
    return ({'text': text, 'room': as_str(payload.get('room')),
             'dialogue': as_str(payload.get('dialogue')),
             'upload_id': as_str(payload.get('upload_id')), 'sid': as_str(payload.get('sid'))},
            as_string)


def answer_text(kind, req, turn):
    head = {'CHAT': '您好', 'SUM': '摘要', 'QA': '问答', 'GEN': '生成'}.get(kind, '您好')
    q = req['text'].strip()[:60]
    return (f'{head}!这是第{turn}轮回答。针对“{q}”:公民丢失居民身份证的,'
            '应当向常住户口所在地的公安机关派出所申请补领;办理时需本人到场并采集人像。'
            '派出所自受理之日起六十日内发放新证,急用的可以同时申请临时居民身份证。咨询电话:12345。')


def sentences(text):
    return re.findall(r'[^,。;:!]+[,。;:!]?', text) or [text]


def fixed(text, n):
    return [text[i:i + n] for i in range(0, len(text), n)]


def received_for(req, sid, room, history):
    return {
        'text': re.sub(r'[??]+\s*$', '', req['text']),
        'prompt': '材料:' + req['text'][:20],
        'sid': req['sid'] or sid,
        'room': room,
        'dialogue': req['dialogue'] or sid,
        'upload_id': req['upload_id'],
        'clue': {'type': CLUE['type'], 'data': list(CLUE['data'])},
        'alter': list(ALTER),
        'history': [list(p) for p in history],
    }
