/* global document, window, FileReader */
// The customer phones page of the WaSphere demo. Everything from the network is shown with
// textContent: customer and business text is never interpreted as HTML.

const $ = (id) => document.getElementById(id);
let current = null; // phone of the open chat
let lastChatJson = '';
let lastState = null;

async function api(path, body) {
  const res = await fetch(`/api/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error((data && data.error) || `HTTP ${res.status}`);
  return data;
}

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

async function scan(qr) {
  const result = $('link-result');
  result.className = 'small';
  result.textContent = 'Scanning…';
  try {
    await api('scan', { qr, phone: $('biz-phone').value, name: $('biz-name').value });
    result.textContent = 'Scanned. The dashboard shows the number as connected in a moment.';
    // The next number linked gets the next phone, so several can be linked one after the other.
    const digits = $('biz-phone').value.replace(/\D/g, '');
    if (digits) $('biz-phone').value = `+${String(BigInt(digits) + 1n)}`;
    $('qr-text').value = '';
  } catch (error) {
    result.className = 'small error';
    result.textContent = `Could not scan: ${error.message}`;
  }
  void refresh();
}

function renderState(state) {
  lastState = state;
  if (state.dashboardUrl) {
    $('dashboard-link').href = state.dashboardUrl;
    $('dashboard-link').hidden = false;
  }
  $('auto-deliver').checked = state.autoDeliver;

  const links = $('links');
  links.replaceChildren(
    ...(state.links.length
      ? state.links.map((l) =>
          el('li', {}, [
            el('span', { text: `QR of “${l.label}”` }),
            el('button', { class: 'button small-btn', text: 'Scan the QR shown in the dashboard', onclick: () => scan(l.qr) }),
          ]),
        )
      : [el('li', { class: 'empty', text: 'No QR code is showing in the dashboard right now.' })]),
  );

  $('businesses').replaceChildren(
    ...state.businesses.map((b) =>
      el('li', {}, [
        el('span', {}, [el('span', { class: b.online ? 'dot on' : 'dot' }), document.createTextNode(`${b.name} · +${b.phone}`)]),
        el('span', { class: 'small muted', text: b.online ? 'online' : 'offline' }),
      ]),
    ),
  );

  const select = $('to-business');
  const chosen = select.value;
  select.replaceChildren(...state.businesses.map((b) => el('option', { value: b.phone, text: `${b.name} (+${b.phone})` })));
  if (chosen && state.businesses.some((b) => b.phone === chosen)) select.value = chosen;
  $('to-wrap').hidden = state.businesses.length < 2 || !current;

  $('customers').replaceChildren(
    ...state.customers.map((c) =>
      el('li', {}, [
        el('button', { 'aria-current': c.phone === current ? 'true' : 'false', onclick: () => openChat(c.phone) }, [
          el('span', {}, [el('b', { text: c.name }), document.createTextNode(` · +${c.phone}`)]),
          c.unread ? el('span', { class: 'badge', text: String(c.unread), 'aria-label': `${c.unread} unread` }) : null,
        ]),
      ]),
    ),
  );
}

function renderChat(lines) {
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  if (lines.length === 0) {
    list.replaceChildren(el('li', { class: 'empty', text: 'No messages yet. Say hello to the shop.' }));
  } else {
    list.replaceChildren(
      ...lines.map((m) => {
        const meta = el('div', { class: 'meta' });
        if (!m.fromCustomer) meta.append(el('span', { class: 'from', text: m.business }));
        meta.append(el('span', { text: time(m.at) }));
        if (m.fromCustomer) {
          const label = m.ticks === 'read' ? '✓✓' : m.ticks === 'delivered' ? '✓✓' : '✓';
          meta.append(el('span', { class: `ticks ${m.ticks}`, text: label, title: m.ticks }));
        } else {
          if (m.ticks === 'received') meta.append(el('button', { text: 'Delivered', onclick: () => receipt([m.id], 'delivery') }));
          if (m.ticks !== 'read') meta.append(el('button', { text: 'Read', onclick: () => receipt([m.id], 'read') }));
          else meta.append(el('span', { text: 'read' }));
        }
        const body = [];
        if (m.image) body.push(el('img', { src: m.image, alt: m.text || 'image' }));
        else if (m.kind === 'image') body.push(el('div', { class: 'small muted', text: '[image]' }));
        if (m.text) body.push(el('div', { text: m.text }));
        return el('li', { class: m.fromCustomer ? 'bubble mine' : 'bubble', 'data-id': m.id }, [...body, meta]);
      }),
    );
  }
  if (atBottom) list.scrollTop = list.scrollHeight;
  $('chat-actions').hidden = !lines.some((m) => !m.fromCustomer && m.ticks !== 'read');
}

async function receipt(ids, type) {
  try {
    await api(`customers/${encodeURIComponent(current)}/receipt`, { ids, type });
  } catch (error) {
    $('chat-error').textContent = error.message;
  }
  void refresh();
}

function openChat(phone) {
  current = phone;
  lastChatJson = '';
  const c = lastState && lastState.customers.find((x) => x.phone === phone);
  $('chat-title').textContent = c ? `${c.name} · +${c.phone}` : `+${phone}`;
  $('composer').hidden = false;
  $('chat-error').textContent = '';
  $('text').focus();
  void refresh();
}

async function refresh() {
  try {
    renderState(await api('state'));
    if (current) {
      const lines = await api(`customers/${encodeURIComponent(current)}/chat`);
      const json = JSON.stringify(lines);
      if (json !== lastChatJson) {
        lastChatJson = json;
        renderChat(lines);
      }
    }
  } catch {
    // the demo may be restarting; try again on the next tick
  }
}

function toBusiness() {
  return $('to-wrap').hidden ? undefined : $('to-business').value || undefined;
}

$('scan-pasted').addEventListener('click', () => {
  const qr = $('qr-text').value.trim();
  if (qr) void scan(qr);
});

$('new-customer').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const c = await api('customers', { name: $('customer-name').value, phone: $('customer-phone').value });
    $('customer-name').value = '';
    $('customer-phone').value = '';
    await refresh();
    openChat(c.phone);
  } catch (error) {
    $('chat-error').textContent = error.message;
  }
});

$('composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('text').value.trim();
  if (!text || !current) return;
  $('chat-error').textContent = '';
  try {
    await api(`customers/${encodeURIComponent(current)}/text`, { text, business: toBusiness() });
    $('text').value = '';
  } catch (error) {
    $('chat-error').textContent = error.message;
  }
  void refresh();
});

$('image').addEventListener('change', () => {
  const file = $('image').files[0];
  if (!file || !current) return;
  const reader = new FileReader();
  reader.onload = async () => {
    const base64 = String(reader.result).split(',')[1] || '';
    try {
      await api(`customers/${encodeURIComponent(current)}/image`, {
        base64,
        mimetype: file.type,
        caption: $('text').value.trim() || undefined,
        business: toBusiness(),
      });
      $('text').value = '';
    } catch (error) {
      $('chat-error').textContent = error.message;
    }
    $('image').value = '';
    void refresh();
  };
  reader.readAsDataURL(file);
});

$('read-all').addEventListener('click', () => {
  let lines;
  try {
    lines = JSON.parse(lastChatJson || '[]');
  } catch {
    lines = [];
  }
  const ids = lines.filter((m) => !m.fromCustomer && m.ticks !== 'read').map((m) => m.id);
  if (ids.length) void receipt(ids, 'read');
});

$('auto-deliver').addEventListener('change', () => {
  void api('settings', { autoDeliver: $('auto-deliver').checked });
});

void refresh();
window.setInterval(refresh, 1000);
