# FastGPT OpenAPI chat backend on aiohttp. Usage: python3 py_server.py  (listens on 127.0.0.1,
# an ephemeral port; prints one JSON line {port, token, vars} on stdout once it accepts connections).
import asyncio
import json
import random
import sys
import time

from aiohttp import web

from py_app import AppErr, Store, bad, dumps, item_text, nanoid, object_id, run_workflow
from py_common import auth, envelope, json_response, read_json
from py_records import (clear_histories, del_history, feedback, get_histories, init, item_delete, pagination_records,
                        question_guide, res_data, update_history)

ROLES = {'system', 'developer', 'user', 'assistant', 'tool', 'function'}
PARTS = {'text', 'image_url', 'file_url'}


@web.middleware
async def errors(request, handler):
    try:
        return await handler(request)
    except AppErr as e:
        return json_response(envelope(None, e.code, e.status_text, e.message), e.http)
    except web.HTTPException as e:
        return json_response(envelope(None, e.status, 'error', e.reason), e.status)
    except (ConnectionResetError, asyncio.CancelledError):
        raise
    except Exception as e:  # never crash on odd input
        return json_response(envelope(None, 500, 'error', str(e)), 500)


def text_of(m):
    c = m.get('content')
    if isinstance(c, str):
        return c
    if isinstance(c, list):
        return '\n'.join(str(p.get('text', '')) for p in c if isinstance(p, dict) and p.get('type') == 'text')
    return ''


def validate(body, app):
    if not isinstance(body, dict):
        raise bad('body must be an object')
    plugin = app['kind'] == 'plugin'
    msgs = body.get('messages') if body.get('messages') is not None else []
    if not isinstance(msgs, list):
        raise bad('messages is not array')
    if not plugin and not msgs:
        raise bad('messages is empty')
    for m in msgs:
        if not isinstance(m, dict) or m.get('role') not in ROLES:
            raise bad('Invalid message')
        c = m.get('content')
        if isinstance(c, list):
            if any(not isinstance(p, dict) or p.get('type') not in PARTS for p in c):
                raise bad('Invalid message content part')
        elif not isinstance(c, str) and not (c is None and m.get('role') != 'user'):
            raise bad('Invalid message content')
    for k in ('chatId', 'responseChatItemId'):
        if body.get(k) is not None and not isinstance(body.get(k), str):
            raise bad(f'{k} must be a string')
    variables = body.get('variables') if body.get('variables') is not None else {}
    if not isinstance(variables, dict):
        raise bad('variables must be an object')
    question = '' if plugin else text_of(msgs[-1])
    files = [p for p in msgs[-1]['content'] if p.get('type') != 'text'] if msgs and isinstance(msgs[-1].get('content'), list) else []
    if not plugin and (msgs[-1]['role'] != 'user' or (not question.strip() and not files)):
        raise bad('User question is empty')
    return msgs, question, variables


def chunk(delta, finish=None):
    return {'id': '', 'object': '', 'created': 0, 'model': '', 'choices': [{'delta': delta, 'index': 0, 'finish_reason': finish}]}


async def completions(request):
    store = request.app['store']
    body = await read_json(request)
    app = auth(request)
    msgs, question, variables = validate(body, app)
    plugin = app['kind'] == 'plugin'
    stream, detail = bool(body.get('stream')), plugin or bool(body.get('detail'))
    chat_id = body.get('chatId') or None
    chat = store.chat(app['id'], chat_id) if chat_id else None
    if chat:
        history = [(i['obj'], item_text(i)) for i in chat['items']]
    else:
        history = [('Human' if m['role'] == 'user' else 'AI', text_of(m)) for m in msgs[:-1] if m['role'] in ('user', 'assistant')]
    r = run_workflow(app, question, history, chat, variables)

    def save():
        if not chat_id:
            return
        c = store.ensure_chat(app['id'], chat_id, str(variables.get('query', '') if plugin else question)[:20] or '新对话')
        value = ([{'type': 'text', 'text': {'content': r['text']}}] if r['text'] else []) + \
                ([{'type': 'interactive', 'interactive': r['interactive']}] if r['interactive'] else [])
        human = str(variables.get('query', '')) if plugin else question
        c['items'].append({'_id': object_id(), 'dataId': nanoid(24), 'obj': 'Human', 'value': [{'type': 'text', 'text': {'content': human}}], 'time': time.time()})
        c['items'].append({'_id': object_id(), 'dataId': body.get('responseChatItemId') or nanoid(24), 'obj': 'AI', 'value': value,
                           'responseData': r['flow'], 'pending': bool(r['interactive']), 'durationSeconds': 1.0, 'time': time.time()})
        c['variables'].update(r['new_vars'])
        c['updateTime'] = time.time()

    if not stream:
        await asyncio.sleep(0.03)
        save()
        if r['interactive']:
            content = [{'type': 'interactive', 'interactive': r['interactive']}] if detail else ''
        else:
            content = r['text']
        out = {'id': chat_id or '', 'model': '', 'usage': {'prompt_tokens': 1, 'completion_tokens': 1, 'total_tokens': 1},
               'choices': [{'message': {'role': 'assistant', 'content': content}, 'finish_reason': 'stop', 'index': 0}]}
        if detail:
            out = {'responseData': r['flow'], 'newVariables': r['new_vars'], **out}
        return json_response(out)

    resp = web.StreamResponse(headers={'Content-Type': 'text/event-stream; charset=UTF-8', 'Cache-Control': 'no-cache, no-transform',
                                       'X-Accel-Buffering': 'no', 'Access-Control-Allow-Origin': '*'})
    resp.enable_chunked_encoding()
    await resp.prepare(request)

    async def send(event, data):
        await resp.write(((f'event: {event}\n' if event else '') + f'data: {data}\n\n').encode('utf-8'))
        await asyncio.sleep(random.uniform(0.004, 0.02))

    ev = 'answer' if detail else None
    try:
        if detail:
            for name in r['status']:
                await send('flowNodeStatus', dumps({'status': 'running', 'name': name}))
        text = r['text']
        i = 0
        while i < len(text):
            n = random.randint(1, 3)
            await send(ev, dumps(chunk({'role': 'assistant', 'content': text[i:i + n]})))
            i += n
        if detail and r['interactive']:
            await send('interactive', dumps({'interactive': r['interactive']}))
        save()
        await send(ev, dumps(chunk({'role': 'assistant', 'content': None}, 'stop')))
        await send(ev, '[DONE]')
        if detail:
            await send('flowResponses', dumps(r['flow']))
        await resp.write_eof()
    except (ConnectionResetError, RuntimeError):
        pass
    return resp


async def not_found(request):
    raise AppErr(404, 404, 'notFound', f'Not Found: {request.path}')


async def main():
    app = web.Application(middlewares=[errors], client_max_size=2 * 1024 * 1024)
    app['store'] = store = Store()
    r = app.router
    for v in ('v1', 'v2'):
        r.add_post(f'/api/{v}/chat/completions', completions)
    h = '/api/core/chat/history/'
    r.add_post(h + 'getHistories', get_histories)
    r.add_post(h + 'updateHistory', update_history)
    r.add_delete(h + 'delHistory', del_history)
    r.add_delete(h + 'clearHistories', clear_histories)
    r.add_get('/api/core/chat/init', init)
    r.add_post('/api/core/chat/getPaginationRecords', pagination_records)
    r.add_get('/api/core/chat/getResData', res_data)
    r.add_delete('/api/core/chat/item/delete', item_delete)
    r.add_post('/api/core/chat/feedback/updateUserFeedback', feedback)
    r.add_post('/api/core/ai/agent/v2/createQuestionGuide', question_guide)
    r.add_route('*', '/{tail:.*}', not_found)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, '127.0.0.1', 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    a = store.apps
    print(json.dumps({'port': port, 'token': a['chat']['key'], 'vars': {
        'appId': a['chat']['id'], 'selectAppKey': a['select']['key'], 'formAppKey': a['form']['key'], 'pluginAppKey': a['plugin']['key']}}), flush=True)
    await asyncio.Event().wait()


if __name__ == '__main__':
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
