# Chat-records calls of py_server.py (/api/core/chat/... and createQuestionGuide); every answer is the
# envelope {code, statusText, message, data}.
import time

from py_app import AppErr, bad, iso
from py_common import auth, envelope, json_response, read_json


async def params(request):
    p = dict(request.query)
    if request.method in ('POST', 'PUT', 'DELETE') and request.can_read_body:
        b = await read_json(request)
        if isinstance(b, dict):
            p.update(b)
        elif request.method == 'POST':
            raise bad('body must be an object')
    auth(request)
    store = request.app['store']
    app_id = str(p.get('appId') or '')
    if not app_id:
        raise bad('appId is required')
    if not store.app_by_id(app_id):
        raise AppErr(404, 502000, 'appUnExist', 'app:error.app_not_exist')
    return p, store, app_id


def need(p, k):
    v = p.get(k)
    if v in (None, ''):
        raise bad(f'{k} is required')
    return str(v)


def number(p, k, default):
    try:
        n = int(float(p.get(k, default)))
    except (TypeError, ValueError):
        raise bad(f'{k} must be a number')
    if n < 0:
        raise bad(f'{k} must be >= 0')
    return n


def record_out(i):
    out = {'_id': i['_id'], 'dataId': i['dataId'], 'obj': i['obj'], 'value': i['value'], 'customFeedbacks': []}
    for k in ('userGoodFeedback', 'userBadFeedback'):
        if k in i:
            out[k] = i[k]
    if i['obj'] == 'AI':
        out.update(totalQuoteList=[], totalRunningTime=i['durationSeconds'], useAgentSandbox=False)
    return out


async def get_histories(request):
    p, store, app_id = await params(request)
    offset, size = number(p, 'offset', 0), number(p, 'pageSize', 20)
    chats = sorted(store.list_chats(app_id), key=lambda c: (not c['top'], -c['updateTime']))
    page = chats[offset:offset + size]
    return json_response(envelope({'list': [{'chatId': c['chatId'], 'updateTime': iso(c['updateTime']), 'appId': c['appId'],
                                             'customTitle': c['customTitle'], 'title': c['title'], 'top': c['top']} for c in page],
                                   'total': len(chats)}))


async def update_history(request):
    p, store, app_id = await params(request)
    c = store.chat(app_id, need(p, 'chatId'))
    if c:
        if 'customTitle' in p:
            c['customTitle'] = str(p['customTitle'] or '')
        if 'top' in p:
            c['top'] = bool(p['top'])
        c['updateTime'] = time.time()
    return json_response(envelope())


async def del_history(request):
    p, store, app_id = await params(request)
    c = store.chat(app_id, need(p, 'chatId'))
    if c:
        c['deleted'] = True
    return json_response(envelope())


async def clear_histories(request):
    p, store, app_id = await params(request)
    for c in store.list_chats(app_id):
        c['deleted'] = True
    return json_response(envelope())


async def init(request):
    p, store, app_id = await params(request)
    app = store.app_by_id(app_id)
    c = store.chat(app_id, str(p.get('chatId') or ''))
    return json_response(envelope({'chatId': str(p.get('chatId') or ''), 'appId': app_id, 'variables': c['variables'] if c else {},
                                   'app': {'chatConfig': {'questionGuide': False, 'welcomeText': '', 'variables': []}, 'chatModels': ['gpt-4o-mini'],
                                           'name': app['name'], 'avatar': '/imgs/app/avatar/simple.svg', 'intro': '', 'type': app['type'],
                                           'pluginInputs': [{'key': 'query', 'valueType': 'string', 'label': 'query', 'required': True}] if app['kind'] == 'plugin' else []}}))


async def pagination_records(request):
    p, store, app_id = await params(request)
    c = store.chat(app_id, need(p, 'chatId'))
    items = c['items'] if c else []
    offset, size = number(p, 'offset', 0), number(p, 'pageSize', 10)
    end = max(0, len(items) - offset)
    return json_response(envelope({'list': [record_out(i) for i in items[max(0, end - size):end]], 'total': len(items)}))


async def res_data(request):
    p, store, app_id = await params(request)
    c = store.chat(app_id, need(p, 'chatId'))
    data_id = need(p, 'dataId')
    item = next((i for i in (c['items'] if c else []) if i['dataId'] == data_id and i['obj'] == 'AI'), None)
    return json_response(envelope(item['responseData'] if item else []))


async def item_delete(request):
    p, store, app_id = await params(request)
    c = store.chat(app_id, need(p, 'chatId'))
    cid = str(p.get('contentId') or p.get('dataId') or '')
    if not cid:
        raise bad('contentId is required')
    if c:
        c['items'] = [i for i in c['items'] if i['dataId'] != cid]
    return json_response(envelope())


async def feedback(request):
    p, store, app_id = await params(request)
    c = store.chat(app_id, need(p, 'chatId'))
    data_id = need(p, 'dataId')
    item = next((i for i in (c['items'] if c else []) if i['dataId'] == data_id), None)
    if not item:
        raise AppErr(404, 504001, 'unAuthChat', 'chat:error.chat_item_not_exist')
    for k in ('userGoodFeedback', 'userBadFeedback'):
        if p.get(k) is None:
            item.pop(k, None)
        else:
            item[k] = str(p[k])
    return json_response(envelope())


async def question_guide(request):
    p, store, app_id = await params(request)
    need(p, 'chatId')
    return json_response(envelope(['还能再详细一点吗？', '有没有例子 🤔？', '下一步做什么？']))
