// 3) JS:fetch of 003_2215f6354d6789dc.txt, changed only in BASE_URL and TOKEN (from the environment).
const BASE_URL = process.env.TASKS_BASE_URL;
const TOKEN = process.env.TASKS_TOKEN;
const WS = "ws1";

async function api(path, { method = "GET", body } = {}) {
  const headers = { Authorization: `Bearer ${TOKEN}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(BASE_URL + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) throw new Error(await res.text());
  return await res.json();
}

await api("/api/v1/workspaces", { method: "POST", body: { workspace_id: WS } });
const conv = await api(`/api/v1/workspaces/${WS}/conversations`, { method: "POST" });
const msg = await api(`/api/v1/workspaces/${WS}/messages`, {
  method: "POST",
  body: { conversation_id: conv.conversation_id, message: "你好", run_mode: "fast" },
});

let from = 0;
for (;;) {
  const poll = await api(`/api/v1/tasks/${msg.task_id}?from=${from}`);
  const data = poll.data;
  from = data.next_offset;
  for (const ev of data.events) {
    if (ev.type === "text_chunk") process.stdout?.write?.(ev.data.content) ?? console.log(ev.data.content);
  }
  if (data.status !== "running") break;
  await new Promise((r) => setTimeout(r, 500));
}
