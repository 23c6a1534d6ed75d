# Shared helpers of py_server.py / py_records.py: the envelope, JSON answers, API-key auth, body parsing.
import json

from aiohttp import web

from py_app import BAD_KEY, NO_KEY, bad, dumps


def envelope(data=None, code=200, status_text='', message=''):
    return {'code': code, 'statusText': status_text, 'message': message, 'data': data}


def json_response(obj, status=200):
    return web.Response(status=status, text=dumps(obj, pretty=True), content_type='application/json', charset='utf-8')


def auth(request):
    raw = request.headers.get('Authorization', '').strip()
    key = raw[7:].strip() if raw.lower().startswith('bearer ') else raw
    if not key:
        raise NO_KEY()
    app = request.app['store'].app_by_key(key)
    if not app:
        raise BAD_KEY()
    return app


async def read_json(request):
    text = await request.text()
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except ValueError:
        raise bad('Invalid JSON body')
