# -*- coding: utf-8 -*-
# The test client of 001_6e6f726506b3aba0.txt, with its two bugs fixed and nothing else changed:
#   1. start_server is called with four arguments (ip, port, text, event) but took three: it now takes event.
#   2. send_message(message, event_name) was called with the message only: it now gets the event.
import json
# import threading
import socketio

# 创建Socket.IO客户端实例
sio = socketio.AsyncClient()

# 定义一个用于异步发送消息的函数
async def send_message(message, event_name):
    await sio.emit(event_name, message)
    # # 在新线程中发送消息
    # t = threading.Thread(target=sio.emit, args=('message', message))
    # t.start()

# 处理 "message" 事件
@sio.on('CHAT_SS')
async def receive_message(response):
    print('Received response: ', response)

@sio.on('SUM_SS')
async def receive_message(response):
    print('Received response: ', response)

@sio.on('QA_SS')
async def receive_message(response):
    print('Received response: ', response)

@sio.on('GEN_SS')
async def receive_message(response):
    print('Received response: ', response)

# 连接到服务器
async def start_server(ip, port, text, event):
    await sio.connect(f'http://{ip}:{port}/', wait=30)

    # 发送消息
    param = {"text":text, 'sid':'1234567', 'upload_id':''}
    await send_message(json.dumps(param), event)
    await sio.wait()

if __name__ == '__main__':
    ip = '0.0.0.0'
    port = '6006'
    text = '增城市的养老院有哪些'
    event = 'CHAT_CS'
    import sys
    if len(sys.argv) > 1:
        ip = sys.argv[1]
    if len(sys.argv) > 2:
        port = sys.argv[2]
    if len(sys.argv) > 3:
        text = sys.argv[3]
    if len(sys.argv) > 4:
        event = sys.argv[4]

    import asyncio
    loop = asyncio.get_event_loop()
    loop.run_until_complete(start_server(ip, port, text, event))
