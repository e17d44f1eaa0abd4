// The console: a view of the server's tasks, through the same POST /cdc and /cdc/metrics as any client.
"use strict";

const REFRESH_MS = 2000;
const tokenKey = "milvus-cdc-api-token";
let previousRows = null;
let previousAt = 0;
let shownTask = null;
// The outcome of the last action, shown beside the time of the last refresh until the next action.
let notice = "";

function headers() {
  const token = sessionStorage.getItem(tokenKey);
  const all = { "Content-Type": "application/json" };
  if (token) {
    all.Authorization = "Bearer " + token;
  }
  return all;
}

const TOKEN_NEEDED = "the server requires its API token (apiToken of its configuration): enter it above";

class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

async function api(type, data) {
  const response = await fetch("/cdc", {
    method: "POST", headers: headers(), body: JSON.stringify({ request_type: type, request_data: data || {} }),
  });
  refusedToken(response);
  const reply = await response.json();
  if (reply.code !== 200) {
    throw new ApiError(reply.code, reply.message);
  }
  return reply.data || {};
}

// A missing or wrong token: the field to enter it is shown, and the reason says so.
function refusedToken(response) {
  if (response.status === 401) {
    document.getElementById("token-box").hidden = false;
    throw new ApiError(401, TOKEN_NEEDED);
  }
}

async function metrics() {
  const response = await fetch("/cdc/metrics", { headers: headers() });
  refusedToken(response);
  if (!response.ok) {
    throw new ApiError(response.status, "the metrics answered HTTP " + response.status);
  }
  return parseMetrics(await response.text());
}

// Per task: its largest channel lag, per channel lag, and its rows applied so far.
function parseMetrics(text) {
  const lag = {}, channelLag = {}, rows = {};
  const sample = /^(milvus_cdc_lag_seconds|milvus_cdc_replicate_data_cnt_total)\{([^}]*)\} (\S+)$/;
  for (const line of text.split("\n")) {
    const m = sample.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map(l => [l[1], l[2]]));
    const value = Number(m[3]);
    const task = labels.task_id;
    if (m[1] === "milvus_cdc_lag_seconds") {
      lag[task] = Math.max(lag[task] || 0, value);
      channelLag[task + "/" + labels.channel_name] = value;
    } else {
      rows[task] = (rows[task] || 0) + value;
    }
  }
  return { lag, channelLag, rows };
}

function target(param) {
  if (!param) return "";
  return param.uri || (param.host ? param.host + ":" + param.port : "");
}

function scope(task) {
  const names = (task.collection_infos || []).map(c => c.name);
  for (const [db, infos] of Object.entries(task.db_collections || {})) {
    infos.forEach(c => names.push(db + "." + c.name));
  }
  return names.join(", ");
}

function copy(status) {
  if (!status) return "";
  let copied = 0, total = 0;
  status.collections.forEach(c => { copied += c.rows_copied; total += c.rows_at_start; });
  return status.phase + " (" + copied + " of " + total + " rows)";
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function button(td, action, label, taskId) {
  const b = document.createElement("button");
  b.textContent = label;
  b.dataset.action = action;
  b.addEventListener("click", () => act(action, taskId));
  td.appendChild(b);
}

function render(tasks, m, rates) {
  const body = document.querySelector("#tasks tbody");
  body.replaceChildren();
  document.getElementById("no-tasks").hidden = tasks.length > 0;
  for (const task of tasks) {
    const row = body.insertRow();
    row.dataset.task = task.task_id;
    cell(row, task.task_id, "id");
    cell(row, task.state, "state state-" + task.state);
    const lag = m.lag[task.task_id];
    cell(row, lag === undefined ? "-" : lag.toFixed(1), "number lag");
    const rate = rates[task.task_id];
    cell(row, rate === undefined ? "-" : rate.toFixed(1), "number rate");
    cell(row, target(task.milvus_connect_param));
    cell(row, scope(task));
    cell(row, copy(task.snapshot_status));
    cell(row, task.reason || "", "reason");
    const actions = cell(row, "");
    button(actions, task.state === "Paused" ? "resume" : "pause", task.state === "Paused" ? "Resume" : "Pause", task.task_id);
    button(actions, "delete", "Delete", task.task_id);
    button(actions, "positions", "Positions", task.task_id);
  }
}

async function showPositions(taskId, m) {
  const data = await api("position", { task_id: taskId });
  document.getElementById("details").hidden = false;
  document.getElementById("details-task").textContent = taskId;
  const body = document.querySelector("#positions tbody");
  body.replaceChildren();
  for (const p of data.positions || []) {
    const row = body.insertRow();
    cell(row, p.channel_name, "id");
    const lag = m ? m.channelLag[taskId + "/" + p.channel_name] : undefined;
    cell(row, lag === undefined ? "-" : lag.toFixed(1), "number");
    cell(row, p.time > 0 ? new Date(p.time).toISOString() : "");
    cell(row, p.msg_id, "id");
  }
}

async function act(action, taskId) {
  try {
    if (action === "positions") {
      shownTask = taskId;
      await showPositions(taskId, null);
      return;
    }
    if (action === "delete" && !confirm("Delete task " + taskId + "? Its positions go; the target's data stays.")) {
      return;
    }
    await api(action, { task_id: taskId });
    notice = action + " " + taskId + ": done";
    if (action === "delete" && shownTask === taskId) {
      shownTask = null;
      document.getElementById("details").hidden = true;
    }
  } catch (e) {
    notice = action + " " + taskId + " refused: " + e.message;
  }
  refresh();
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const [list, m] = await Promise.all([api("list"), metrics()]);
    const now = Date.now();
    const rates = {};
    if (previousRows) {
      for (const [task, rows] of Object.entries(m.rows)) {
        rates[task] = Math.max(0, rows - (previousRows[task] || 0)) / ((now - previousAt) / 1000);
      }
    }
    previousRows = m.rows;
    previousAt = now;
    render(list.tasks || [], m, rates);
    if (shownTask) {
      await showPositions(shownTask, m);
    }
    status.textContent = "updated " + new Date(now).toISOString().substring(11, 19) + " UTC" + (notice ? "; " + notice : "");
  } catch (e) {
    status.textContent = "cannot read the server: " + e.message;
  }
}

document.getElementById("create").addEventListener("submit", async event => {
  event.preventDefault();
  const result = document.getElementById("create-result");
  result.className = "";
  let data;
  try {
    data = JSON.parse(document.getElementById("create-data").value);
  } catch (e) {
    result.className = "error";
    result.textContent = "the request data is not JSON: " + e.message;
    return;
  }
  try {
    const created = await api("create", data);
    result.textContent = "created task " + created.task_id;
  } catch (e) {
    result.className = "error";
    result.textContent = e.message;
  }
  refresh();
});

document.getElementById("token").addEventListener("change", event => {
  sessionStorage.setItem(tokenKey, event.target.value);
  refresh();
});

refresh();
setInterval(refresh, REFRESH_MS);
