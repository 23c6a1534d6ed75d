# A FastGPT-compatible backend written the way a Python team would: the in-memory deployment
# (four apps, each with its own API key), the fake workflows and the JSON helpers.
# Used by py_server.py (aiohttp). JSON is dumped with Python's defaults: ensure_ascii=True
# (non-ASCII as \uXXXX, emoji as surrogate pairs) and ", " / ": " separators.
import json
import random
import secrets
import string
import time
from datetime import datetime, timezone

ALPHA = string.ascii_letters + string.digits


def nanoid(n=12):
    return ''.join(secrets.choice(ALPHA) for _ in range(n))


def object_id():
    return secrets.token_hex(12)


def dumps(obj, pretty=False):
    return json.dumps(obj, indent=2 if pretty else None)  # ensure_ascii=True by default


def iso(ts):
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


class AppErr(Exception):
    def __init__(self, http, code, status_text, message):
        super().__init__(message)
        self.http, self.code, self.status_text, self.message = http, code, status_text, message


def bad(message):
    return AppErr(400, 400, 'error', message)


NO_KEY = lambda: AppErr(401, 403, 'unAuthorization', 'common:code_error.error_message.403')
BAD_KEY = lambda: AppErr(403, 514, 'unAuthApiKey', 'Api Key 不合法')


class Store:
    def __init__(self):
        self.apps = {}
        for kind, name, typ in [('chat', '简单对话', 'simple'), ('select', '用户选择', 'advanced'),
                                ('form', '表单输入', 'advanced'), ('plugin', '问答插件', 'plugin')]:
            self.apps[kind] = {'kind': kind, 'id': object_id(), 'key': 'fastgpt-' + nanoid(40), 'name': name, 'type': typ}
        self.chats = {}  # (appId, chatId) -> chat

    def app_by_key(self, key):
        return next((a for a in self.apps.values() if a['key'] == key), None)

    def app_by_id(self, app_id):
        return next((a for a in self.apps.values() if a['id'] == app_id), None)

    def chat(self, app_id, chat_id):
        c = self.chats.get((app_id, chat_id))
        return c if c and not c['deleted'] else None

    def ensure_chat(self, app_id, chat_id, title):
        c = self.chat(app_id, chat_id)
        if not c:
            c = {'chatId': chat_id, 'appId': app_id, 'title': title, 'customTitle': '', 'top': False,
                 'updateTime': time.time(), 'variables': {}, 'items': [], 'deleted': False}
            self.chats[(app_id, chat_id)] = c
        return c

    def list_chats(self, app_id):
        return [c for c in self.chats.values() if c['appId'] == app_id and not c['deleted']]


def item_text(item):
    return ''.join(v['text']['content'] for v in item['value'] if v.get('type') == 'text')


def node(name, typ, **extra):
    return {'id': nanoid(), 'nodeId': nanoid(), 'moduleName': name, 'moduleType': typ,
            'runningTime': round(random.random() * 2, 2) or 0.0, **extra}


SELECT = {'type': 'userSelect', 'params': {'description': '请选择下一步', 'userSelectOptions': [
    {'key': 'option1', 'value': '继续'}, {'key': 'option2', 'value': '取消'}]}}
FORM = {'type': 'userInput', 'params': {'description': '请填写资料', 'inputForm': [
    {'type': 'input', 'key': 'city', 'label': '城市', 'description': '', 'value': '', 'defaultValue': '',
     'valueType': 'string', 'required': True, 'list': []},
    {'type': 'numberInput', 'key': 'days', 'label': '天数', 'description': '', 'value': '', 'defaultValue': '',
     'valueType': 'number', 'required': False, 'list': []}]}}


def run_workflow(app, question, history, chat, variables):
    """Returns dict(status, text, interactive, flow, new_vars, answers_pending)."""
    r = {'status': [], 'text': '', 'interactive': None, 'flow': [node('流程开始', 'workflowStart', runningTime=0.0)],
         'new_vars': dict(variables), 'answers_pending': False}

    def ai(text, q):
        r['status'].append('AI 对话')
        r['text'] = text
        r['flow'].append(node('AI 对话', 'chatNode', model='gpt-4o-mini', tokens=42, query=q, totalPoints=0.0,
                              historyPreview=[*({'obj': h[0], 'value': h[1]} for h in history), {'obj': 'Human', 'value': q},
                                              {'obj': 'AI', 'value': text}]))

    kind = app['kind']
    if kind == 'chat':
        turn = sum(1 for h in history if h[0] == 'Human') + 1
        ai(f'你好 👋！这是第 {turn} 轮：你问「{question[:30]}」。答案是 42 🎯', question)
    elif kind in ('select', 'form'):
        pending = None
        if chat:
            last_ai = next((i for i in reversed(chat['items']) if i['obj'] == 'AI'), None)
            if last_ai and last_ai.get('pending'):
                pending = last_ai
        label = '用户选择' if kind == 'select' else '表单输入'
        r['status'].append(label)
        if not pending:
            r['interactive'] = json.loads(json.dumps(SELECT if kind == 'select' else FORM))
            r['flow'].append(node(label, 'userSelect' if kind == 'select' else 'formInput', runningTime=0.0))
        else:
            pending['pending'] = False
            r['answers_pending'] = True
            if kind == 'select':
                ai(f'已选择「{question[:20]}」，流程继续 ✅', question)
            else:
                try:
                    vals = json.loads(question)
                except ValueError:
                    vals = {}
                ai(f'表单已收到 📋：{json.dumps(vals, ensure_ascii=False)}', question)
    else:
        q = str(variables.get('query', ''))
        r['flow'] = [node('插件输入', 'pluginInput', runningTime=0.0)]
        ai(f'插件结果 🔌：{q[:30]}', q)
        r['flow'].append({'nodeId': 'pluginOutput', 'moduleName': '插件输出', 'moduleType': 'pluginOutput',
                          'totalPoints': 0.0, 'pluginOutput': {'result': r['text']}, 'runningTime': 0.0})
        r['new_vars'] = {'query': q}
    return r
