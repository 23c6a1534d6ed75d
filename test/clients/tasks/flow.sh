#!/usr/bin/env bash
# 1) curl:完整流程 of 003_2215f6354d6789dc.txt. Changed: BASE_URL and TOKEN come from the
# environment, and one line is fixed. As printed, `echo "$RESP" | python3 - <<'PY'` makes the
# heredoc (the program) python3's stdin, so the JSON piped in is never read; the program now comes
# from file descriptor 3 and the JSON from stdin.
BASE_URL="$TASKS_BASE_URL"
TOKEN="$TASKS_TOKEN"
WS="ws1"
# 1) 创建/确保工作区存在
curl -sS -X POST \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d "{\"workspace_id\":\"$WS\"}" \
  "$BASE_URL/api/v1/workspaces"
# 2) 创建对话
CONV=$(curl -sS -X POST \
  -H "Authorization: Bearer $TOKEN" \
  "$BASE_URL/api/v1/workspaces/$WS/conversations" \
  | python3 -c 'import sys,json; print(json.load(sys.stdin)["conversation_id"])')
echo "CONV=$CONV"
# 3) 发送消息 -> task_id
TASK=$(curl -sS -X POST \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d "{\"conversation_id\":\"$CONV\",\"message\":\"介绍明日方舟:终末地\",\"run_mode\":\"fast\"}" \
  "$BASE_URL/api/v1/workspaces/$WS/messages" \
  | python3 -c 'import sys,json; print(json.load(sys.stdin)["task_id"])')
echo "TASK=$TASK"
# 4) 轮询增量事件
FROM=0
while true; do
  RESP=$(curl -sS -H "Authorization: Bearer $TOKEN" "$BASE_URL/api/v1/tasks/$TASK?from=$FROM")
  STATUS=$(echo "$RESP" | python3 -c 'import sys,json; print(json.load(sys.stdin)["data"]["status"])')
  NEXT=$(echo "$RESP" | python3 -c 'import sys,json; print(json.load(sys.stdin)["data"]["next_offset"])')
  # 把本轮新增 text_chunk 直接输出(按 token 拼接)
  echo "$RESP" | python3 /dev/fd/3 3<<'PY'
import sys,json
obj=json.load(sys.stdin)
for ev in obj.get("data",{}).get("events",[]):
    if ev.get("type")=="text_chunk":
        print(ev.get("data",{}).get("content",""), end="")
PY
  if [ "$STATUS" != "running" ]; then
    echo
    echo "status=$STATUS"
    break
  fi
  FROM=$NEXT
  sleep 0.5
done
