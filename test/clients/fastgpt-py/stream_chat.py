#!/usr/bin/env python3
"""
Stream Chat CLI - 与 /chat 端点进行流式交互的脚本。

The document (000_a17f2b116e8d969e.txt) shows only this script's usage and output, not its body;
this is an equivalent with the same arguments and output, on aiohttp like nostream_chat.py.

用法:
    python stream_chat.py <session_id> <消息>

输出说明:
    - [stage_code]: 阶段状态码,如 {"nextStageCode": "0000", "nextStage": "结束通话"}
    - [text_delta]: 流式文本片段
    - [done]: 流式结束
    - [error]: 错误信息
"""

import asyncio
import aiohttp
import json
import os
import sys
from datetime import datetime


API_BASE_URL = os.environ.get("API_BASE_URL", "http://localhost:8000")


async def chat_stream(session_id: str, text: str):
    payload = {
        "sessionId": session_id,
        "timeStamp": datetime.now().isoformat(),
        "text": text,
    }
    async with aiohttp.ClientSession() as http_session:
        async with http_session.post(f"{API_BASE_URL}/chat?stream=true", json=payload) as response:
            print(f"Status: {response.status}")
            print("-" * 50)
            event = "message"
            data_lines = []
            async for raw in response.content:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if data_lines:
                        data = json.loads("\n".join(data_lines))
                        print(f"[{event}] {json.dumps(data, ensure_ascii=False)}")
                    event, data_lines = "message", []
                elif line.startswith(":"):
                    continue
                elif line.startswith("event:"):
                    event = line[len("event:"):].strip()
                elif line.startswith("data:"):
                    data_lines.append(line[len("data:"):].lstrip(" "))


async def main():
    if len(sys.argv) < 3:
        print("Usage: python stream_chat.py <session_id> <消息>")
        sys.exit(1)
    await chat_stream(sys.argv[1], " ".join(sys.argv[2:]))


if __name__ == "__main__":
    asyncio.run(main())
