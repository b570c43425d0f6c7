// The report entry page (/Reports/Fill/{id}): Russian number input with immediate format feedback,
// autosave of changed cells as JSON (debounced; flushed with keepalive on tab switch and when the page
// is hidden), unsaved edits kept in localStorage until the server confirms them, sum hints beside
// totals, «Проверить» with links to the offending cells, warning explanations, cell comments and the
// value history of a cell. The server is authoritative: it validates every cell again.
// Invalid entries are never sent: they stay marked (with the message beside the cell), counted in the
// status line and kept in the draft until fixed. Only our own JSON counts as an answer: a session that
// has ended answers 401, and the page keeps everything and asks to sign in again.
(function () {
    'use strict';
    const root = document.getElementById('entry');
    if (!root) return;
    const data = JSON.parse(document.getElementById('entry-data').textContent);
    const reportId = data.reportId;
    const base = '/Reports/Fill/' + reportId;
    const token = (document.querySelector('input[name="__RequestVerificationToken"]') || {}).value || '';
    const draftKey = 'ekis.report.' + reportId + '.draft';
    const checkKey = 'ekis.report.' + reportId + '.check';
    let rowVersion = data.rowVersion;
    let pending = new Map();     // cell key -> {section,row,column,s1,s2,s3,value}
    const invalid = new Map();   // cell key -> the same, for entries refused by the page or the server: kept, not sent
    let pendingTitle = {};
    let inFlight = null;
    let timer = null;
    let stopped = false;         // stale / read-only: no more autosave until the page is reloaded

    // ---------- addresses ----------
    const codeKey = c => {
        const s = (c || '').trim();
        if (/^[0-9]+$/.test(s)) return s.replace(/^0+(?=.)/, '') || '0';
        return s.toUpperCase();
    };
    const cellId = (s, r, c, s1, s2, s3) => {
        const parts = [codeKey(s), codeKey(r), codeKey(c)];
        for (const k of [s1, s2, s3]) { if (!k) break; parts.push(k); }
        return 'cell-' + parts.join('_');
    };
    const nz = v => (v === undefined || v === null || v === '') ? null : v;
    const addrOf = el => ({
        section: el.dataset.s, row: el.dataset.r, column: el.dataset.c,
        s1: nz(el.dataset.s1), s2: nz(el.dataset.s2), s3: nz(el.dataset.s3)
    });
    const keyOf = a => [a.section, a.row, a.column, a.s1 || '', a.s2 || '', a.s3 || ''].join('|');

    // ---------- Russian numbers (the cell-value rule: cell-value-rule.js, mirroring CellValueRule) ----------
    const rule = window.EkisCellValue;
    function parseNumber(text) {
        if ((text || '').trim() === '') return { empty: true };
        const t = rule.normalise(text, 'typed');
        if (t === null) return { error: true };
        return { text: t, value: Number(t) };
    }
    function formatNumber(t) {
        const neg = t.startsWith('-');
        const body = neg ? t.slice(1) : t;
        const [whole, frac] = body.split('.');
        const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
        return (neg ? '-' : '') + grouped + (frac !== undefined ? ',' + frac : '');
    }
    function validate(input) {
        const f = (data.rules || [])[Number(input.dataset.rule)];
        if (!f) return null;
        return rule.check(f, input.value, 'typed').message || null;
    }
    // The message is written beside the cell, not only in a tooltip that nobody hovers.
    function markInvalid(input, message) {
        const td = input.closest('td');
        let note = td.querySelector('.cell-error');
        if (message) {
            td.classList.add('invalid'); input.setAttribute('aria-invalid', 'true'); input.title = message;
            if (!note) {
                note = document.createElement('span');
                note.className = 'cell-error';
                note.id = input.id + '-error';
                td.append(note);
            }
            note.textContent = message;
            input.setAttribute('aria-describedby', note.id);
        } else {
            td.classList.remove('invalid', 'server-invalid'); input.removeAttribute('aria-invalid'); input.removeAttribute('title');
            input.removeAttribute('aria-describedby');
            if (note) note.remove();
        }
    }
    // Russian plural forms: 1, 21 значение; 2–4, 22–24 значения; 5–20, 25… значений.
    function notSaved(n) {
        const d = n % 10, h = n % 100;
        if (d === 1 && h !== 11) return n + ' значение не сохранено';
        if (d >= 2 && d <= 4 && (h < 12 || h > 14)) return n + ' значения не сохранены';
        return n + ' значений не сохранены';
    }

    // ---------- local draft (survives a browser crash) ----------
    function loadDraft() {
        try { return JSON.parse(localStorage.getItem(draftKey) || 'null'); } catch (e) { return null; }
    }
    function storeDraft() {
        const cells = {};
        invalid.forEach((v, k) => { cells[k] = v; });
        pending.forEach((v, k) => { cells[k] = v; });
        const hasTitle = Object.keys(pendingTitle).length > 0;
        try {
            if (Object.keys(cells).length === 0 && !hasTitle) localStorage.removeItem(draftKey);
            else localStorage.setItem(draftKey, JSON.stringify({ at: new Date().toISOString(), rowVersion: rowVersion, cells: cells, title: pendingTitle }));
        } catch (e) { /* storage full or disabled: the server copy still works */ }
    }

    // ---------- save ----------
    const state = document.getElementById('save-state');
    const problem = document.getElementById('save-problem');
    const sessionBox = document.getElementById('session-ended');
    let lastState = { text: state ? state.textContent : '', cls: '' };
    // While entries are refused the status never says «Сохранено»: it counts them first.
    function setState(text, cls) {
        lastState = { text: text, cls: cls };
        if (!state) return;
        if (invalid.size === 0) { state.textContent = text; state.className = 'save-state ' + (cls || ''); return; }
        const rest = cls === 'saved' ? 'Остальное ' + text.charAt(0).toLowerCase() + text.slice(1) + '.' : text;
        state.textContent = notSaved(invalid.size) + ': исправьте отмеченные ячейки.' + (rest ? ' ' + rest : '');
        state.className = 'save-state error';
    }
    function refreshState() { setState(lastState.text, lastState.cls); }
    function showProblem(text) { if (!problem) return; problem.textContent = text || ''; problem.hidden = !text; }

    // The session is gone (expired, password changed elsewhere, deactivated): everything stays in the draft,
    // and the page says so with a link that signs in in a new tab and comes back to this form, where the
    // restore banner offers the unsaved cells. Typing here keeps going into the draft and tries again.
    function sessionEnded() {
        clearTimeout(timer);
        if (sessionBox) sessionBox.hidden = false;
        const unsaved = pending.size > 0 || invalid.size > 0 || Object.keys(pendingTitle).length > 0;
        setState(unsaved ? 'Не сохранено: сеанс работы завершён, войдите снова.' : 'Сеанс работы завершён: войдите снова.', 'error');
    }
    function sessionBack() { if (sessionBox) sessionBox.hidden = true; }

    function queue(cell) {
        pending.set(keyOf(cell), cell);
        storeDraft();
        // Stopped (stale, read-only): nothing more is sent, but what is typed stays in the draft for the reload.
        if (stopped) { refreshState(); return; }
        const signedOut = sessionBox && !sessionBox.hidden;
        setState(signedOut ? 'Не сохранено: сеанс работы завершён, войдите снова.' : 'Есть несохранённые изменения…', signedOut ? 'error' : 'dirty');
        clearTimeout(timer);
        timer = setTimeout(save, 800);
    }

    function body() {
        const b = { rowVersion: rowVersion, cells: Array.from(pending.values()) };
        if (Object.keys(pendingTitle).length > 0) b.title = Object.assign({}, pendingTitle);
        return b;
    }

    // X-Requested-With tells the server this is a script: no session is a 401, not a redirect to the sign-in page.
    const scriptHeaders = { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
    // keepalive requests may not exceed 64 KB; bigger batches go as ordinary requests.
    function post(url, payload, keepalive) {
        const text = JSON.stringify(payload);
        return fetch(url, {
            method: 'POST', credentials: 'same-origin', keepalive: !!keepalive && text.length < 60000,
            headers: Object.assign({ 'Content-Type': 'application/json', 'RequestVerificationToken': token }, scriptHeaders),
            body: text
        });
    }
    // Only our own JSON is an answer. A redirect that fetch followed (to the sign-in page), an HTML error page
    // or a proxy's page is a failure whatever its status: res.ok alone would take the sign-in page for success.
    async function answer(res) {
        const type = (res.headers.get('Content-Type') || '').toLowerCase();
        let json = null;
        if (type.startsWith('application/json')) { try { json = await res.json(); } catch (e) { json = null; } }
        const toSignIn = res.redirected && /^\/account\//i.test(new URL(res.url).pathname);
        return {
            status: res.status, json: json,
            ok: res.status >= 200 && res.status < 300 && !res.redirected && json !== null,
            signedOut: res.status === 401 || toSignIn
        };
    }

    async function save(keepalive) {
        clearTimeout(timer);
        // One save at a time: two requests with the same rowVersion would make the second one stale.
        while (inFlight) await inFlight;
        if (stopped) return;
        if (pending.size === 0 && Object.keys(pendingTitle).length === 0) return;
        const sent = body();
        const sentCells = new Map(pending);
        const sentTitle = Object.assign({}, pendingTitle);
        setState('Сохранение…', 'saving');
        const mine = (async () => {
            let a;
            try {
                a = await answer(await post(base + '?handler=Save', sent, keepalive));
            } catch (e) {
                setState('Нет связи с сервером: изменения сохранены в браузере и будут отправлены позже.', 'error');
                timer = setTimeout(save, 5000);
                return;
            }
            const json = a.json || {};
            if (a.signedOut) {
                sessionEnded();
            } else if (a.ok && json.ok === true && Number.isInteger(json.rowVersion)) {
                sessionBack();
                rowVersion = json.rowVersion;
                syncSubmitVersion();
                sentCells.forEach((v, k) => { const now = pending.get(k); if (now && now.value === v.value) pending.delete(k); });
                Object.keys(sentTitle).forEach(k => { if (pendingTitle[k] === sentTitle[k]) delete pendingTitle[k]; });
                storeDraft();
                showProblem('');
                const t = new Date();
                setState('Сохранено в ' + t.toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit', second: '2-digit' }), 'saved');
                if (pending.size > 0) timer = setTimeout(save, 300);
            } else if (a.json && a.status === 422) {
                // Nothing was saved: the refused cells become invalid entries (marked, counted, kept in the draft,
                // not resent until changed); the rest is sent again.
                sessionBack();
                const errors = json.errors || [];
                errors.forEach(e => {
                    const k = keyOf(e);
                    const now = pending.get(k), sentCell = sentCells.get(k);
                    if (!now || !sentCell || now.value !== sentCell.value) return;   // changed meanwhile: goes again as it is now
                    pending.delete(k);
                    invalid.set(k, now);
                    const el = document.getElementById(cellId(e.section, e.row, e.column, e.s1, e.s2, e.s3));
                    if (el && el.tagName === 'INPUT') { markInvalid(el, e.message); el.closest('td').classList.add('server-invalid'); }
                });
                storeDraft();
                updateHints();
                showProblem((json.message || '') + (errors.length ? ' ' + errors.map(e => 'стр. ' + e.row + ', гр. ' + e.column + ': ' + e.message).join('; ') : ''));
                setState(invalid.size > 0 ? '' : 'Не сохранено.', 'error');
                if (errors.length === 0) { pendingTitle = {}; storeDraft(); }
                else if (pending.size > 0) timer = setTimeout(save, 300);
            } else if (a.json && [400, 403, 404, 409, 423].includes(a.status)) {
                stopped = true;
                showProblem((json.message || 'Изменения не сохранены.') + ' Несохранённые значения остались в этом браузере.');
                setState('Не сохранено.', 'error');
                if (a.status === 409) addReloadButton();
            } else if (a.status === 400) {
                // Not our JSON: the antiforgery check refused this page's token (signed in again as a new session).
                stopped = true;
                showProblem('Страница устарела (например, после повторного входа): обновите её. Несохранённые значения остались в этом браузере, после обновления их можно будет восстановить.');
                setState('Не сохранено.', 'error');
                addReloadButton();
            } else {
                setState('Ошибка сервера при сохранении (' + a.status + '); повтор через 10 с.', 'error');
                timer = setTimeout(save, 10000);
            }
        })();
        inFlight = mine;
        try { await mine; } finally { if (inFlight === mine) inFlight = null; }
    }

    function addReloadButton() {
        if (!problem || problem.querySelector('button')) return;
        const b = document.createElement('button');
        b.type = 'button'; b.textContent = 'Обновить страницу';
        b.addEventListener('click', () => location.reload());
        problem.append(' ', b);
    }

    function syncSubmitVersion() {
        const h = document.getElementById('submit-row-version');
        if (h) h.value = rowVersion;
    }

    function flush() {
        if (pending.size > 0 || Object.keys(pendingTitle).length > 0) save(true);
    }

    // ---------- inputs ----------
    function onInput(e) {
        const input = e.target;
        if (!input.classList.contains('v')) return;
        const msg = validate(input);
        markInvalid(input, msg);
        updateHints();
        const cell = addrOf(input);
        cell.value = input.value.trim();
        const k = keyOf(cell);
        if (msg) {
            // Never sent (the server would refuse the whole batch), but kept in the draft until fixed.
            pending.delete(k);
            invalid.set(k, cell);
            storeDraft();
            refreshState();
            return;
        }
        invalid.delete(k);
        queue(cell);
    }
    function onBlur(e) {
        const input = e.target;
        if (!input.classList || !input.classList.contains('v') || input.dataset.fmt !== 'N') return;
        if (validate(input)) return;
        const n = parseNumber(input.value);
        if (!n.empty && !n.error) input.value = formatNumber(n.text);
    }
    root.addEventListener('input', e => {
        if (e.target.classList.contains('title-field')) {
            pendingTitle[e.target.dataset.field] = e.target.value.trim();
            storeDraft();
            setState('Есть несохранённые изменения…', 'dirty');
            clearTimeout(timer);
            timer = setTimeout(save, 800);
            return;
        }
        onInput(e);
    });
    root.addEventListener('focusout', onBlur);
    root.addEventListener('keydown', e => {
        if (e.key === 'Enter' && e.target.classList.contains('v') && e.target.tagName === 'INPUT') {
            e.preventDefault();
            const inputs = Array.from(root.querySelectorAll('input.v'));
            const next = inputs[inputs.indexOf(e.target) + 1];
            if (next) next.focus();
        }
    });

    // Another section: save first, then go (the draft is cleared only by a confirmed save). Closing or
    // hiding the page: send what is pending with keepalive, so it survives the unload.
    async function saveThenGo(ev, href) {
        if (pending.size === 0 && Object.keys(pendingTitle).length === 0 && !inFlight) return;
        ev.preventDefault();
        await save(true);
        location.href = href;
    }
    document.querySelectorAll('.tabs a').forEach(a => a.addEventListener('click', ev => saveThenGo(ev, a.href)));
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(); });
    window.addEventListener('pagehide', flush);

    // ---------- sum hints ----------
    const hintEls = [];
    function inputsAt(scope, r, c) {
        return Array.from(scope.querySelectorAll('.v')).filter(el => codeKey(el.dataset.r) === codeKey(r) && codeKey(el.dataset.c) === codeKey(c));
    }
    function numberOf(el) {
        // A refused entry is not a value: the hints leave it out.
        if (el.tagName === 'INPUT' && el.closest('td').classList.contains('invalid')) return null;
        const n = parseNumber(el.tagName === 'INPUT' ? el.value : el.textContent);
        return n.empty || n.error ? null : n.value;
    }
    function setupHints() {
        const table = document.querySelector('table.sheet');
        if (!table) return;
        (data.hints || []).forEach(h => {
            inputsAt(table, h.row, h.column).forEach(total => {
                const scope = h.perInstance ? total.closest('tr') : table;
                const span = document.createElement('span');
                span.className = 'sum-hint';
                span.title = 'Сумма слагаемых по контролю ' + h.controlId + ' (подсказка, в ячейку не записывается)';
                total.closest('td').appendChild(span);
                hintEls.push({ total: total, span: span, parts: h.parts, scope: scope });
            });
        });
        updateHints();
    }
    function updateHints() {
        hintEls.forEach(x => {
            let sum = 0, any = false;
            x.parts.forEach(p => inputsAt(x.scope.isConnected ? x.scope : document, p.row, p.column).forEach(el => {
                const v = numberOf(el);
                if (v !== null) { sum += v; any = true; }
            }));
            if (!any) { x.span.textContent = ''; x.span.classList.remove('mismatch'); return; }
            const rounded = Math.round(sum * 1e6) / 1e6;
            x.span.textContent = 'Σ ' + formatNumber(String(rounded));
            const typed = numberOf(x.total);
            x.span.classList.toggle('mismatch', typed === null || Math.abs(typed - rounded) > 1e-9);
        });
    }

    // ---------- repeatable rows ----------
    root.addEventListener('click', e => {
        const add = e.target.closest('.add-instance');
        if (add) { addInstance(add.closest('tr.row-add')); return; }
        const remove = e.target.closest('.remove-row');
        if (remove) { removeInstance(remove.closest('tr')); }
    });
    function addInstance(addRow) {
        const picks = Array.from(addRow.querySelectorAll('.key-pick'));
        const keys = { 1: null, 2: null, 3: null };
        for (const p of picks) {
            const v = p.value.trim();
            if (!v) { p.focus(); setState('Выберите значение ключа новой строки.', 'error'); return; }
            keys[p.dataset.slot] = v;
        }
        const r = addRow.dataset.r;
        const exists = Array.from(document.querySelectorAll('tr.row-m')).some(tr => codeKey(tr.dataset.r) === codeKey(r)
            && (tr.dataset.s1 || null) === keys[1] && (tr.dataset.s2 || null) === keys[2] && (tr.dataset.s3 || null) === keys[3]);
        if (exists) { setState('Такая строка уже есть.', 'error'); return; }
        const tpl = addRow.querySelector('template.row-pattern');
        const tr = tpl.content.querySelector('tr').cloneNode(true);
        tr.dataset.s1 = keys[1] || ''; tr.dataset.s2 = keys[2] || ''; tr.dataset.s3 = keys[3] || '';
        tr.querySelectorAll('td.row-key').forEach(td => {
            const slot = td.dataset.slot;
            const pick = picks.find(p => p.dataset.slot === slot);
            const opt = pick && pick.tagName === 'SELECT' ? pick.selectedOptions[0] : null;
            td.querySelector('.key-term').textContent = opt ? opt.dataset.text : (keys[slot] || '');
            td.querySelector('.key-code').textContent = keys[slot] || '';
        });
        tr.querySelectorAll('.v').forEach(el => {
            el.dataset.s1 = keys[1] || ''; el.dataset.s2 = keys[2] || ''; el.dataset.s3 = keys[3] || '';
            el.id = cellId(el.dataset.s, el.dataset.r, el.dataset.c, keys[1], keys[2], keys[3]);
        });
        addRow.parentNode.insertBefore(tr, addRow);
        picks.forEach(p => { if (p.tagName === 'SELECT') { const o = p.selectedOptions[0]; if (o && picks.length === 1) o.disabled = true; } p.value = ''; });
        hintEls.length = 0;
        document.querySelectorAll('.sum-hint').forEach(s => s.remove());
        setupHints();
        const first = tr.querySelector('input.v');
        if (first) first.focus();
    }
    function removeInstance(tr) {
        const inputs = Array.from(tr.querySelectorAll('input.v'));
        const filled = inputs.filter(i => i.value.trim() !== '');
        if (filled.length > 0 && !confirm('Удалить строку вместе с её значениями?')) return;
        inputs.forEach(i => { const c = addrOf(i); c.value = ''; invalid.delete(keyOf(c)); if (i.defaultValue !== '' || pending.has(keyOf(c))) queue(c); else pending.delete(keyOf(c)); });
        const addRow = Array.from(document.querySelectorAll('tr.row-add')).find(a => codeKey(a.dataset.r) === codeKey(tr.dataset.r));
        if (addRow) addRow.querySelectorAll('select.key-pick option').forEach(o => { if (o.value === tr.dataset.s1) o.disabled = false; });
        tr.remove();
        updateHints();
        storeDraft();
        refreshState();
    }

    // ---------- restore after a crash ----------
    function offerRestore() {
        const draft = loadDraft();
        if (!draft || !data.canFill) return;
        // Cells the server already holds (a closing tab's last save may have landed after all) are not offered again.
        const norm = v => (v || '').replace(/[\s\u00A0\u202F]/g, '').replace(',', '.');
        const cells = Object.values(draft.cells || {}).filter(c => {
            const el = document.getElementById(cellId(c.section, c.row, c.column, c.s1, c.s2, c.s3));
            return !(el && el.tagName === 'INPUT' && norm(el.value) === norm(c.value));
        });
        const titles = Object.keys(draft.title || {});
        if (cells.length === 0 && titles.length === 0) {
            try { localStorage.removeItem(draftKey); } catch (e) { /* ignore */ }
            return;
        }
        const banner = document.getElementById('restore-banner');
        document.getElementById('restore-text').textContent = 'В этом браузере остались несохранённые изменения от '
            + new Date(draft.at).toLocaleString('ru-RU') + ' (ячеек: ' + cells.length + (titles.length ? ', полей титула: ' + titles.length : '') + '). ';
        banner.hidden = false;
        document.getElementById('restore-yes').addEventListener('click', () => {
            banner.hidden = true;
            cells.forEach(c => {
                const el = document.getElementById(cellId(c.section, c.row, c.column, c.s1, c.s2, c.s3));
                if (el && el.tagName === 'INPUT') {
                    el.value = c.value;
                    const msg = validate(el);
                    markInvalid(el, msg);
                    // Still invalid: back among the refused entries, not sent. Cells of another section go to the server, which checks them.
                    if (msg) { invalid.set(keyOf(c), c); return; }
                }
                pending.set(keyOf(c), c);
            });
            titles.forEach(f => {
                pendingTitle[f] = draft.title[f];
                const el = document.querySelector('.title-field[data-field="' + CSS.escape(f) + '"]');
                if (el) el.value = draft.title[f];
            });
            updateHints();
            storeDraft();
            refreshState();
            save();
        });
        document.getElementById('restore-no').addEventListener('click', () => {
            banner.hidden = true;
            try { localStorage.removeItem(draftKey); } catch (e) { /* ignore */ }
        });
    }

    // ---------- «Проверить» ----------
    const panel = document.getElementById('check-panel');
    const list = document.getElementById('check-list');
    const summary = document.getElementById('check-summary');
    function highlight(cells) {
        document.querySelectorAll('td.highlight').forEach(td => td.classList.remove('highlight'));
        let first = null;
        (cells || []).forEach(c => {
            const el = document.getElementById(cellId(c.section, c.row, c.column, c.s1, c.s2, c.s3));
            if (el) { el.closest('td').classList.add('highlight'); first = first || el; }
        });
        if (first) { first.scrollIntoView({ block: 'center' }); first.focus({ preventScroll: true }); }
    }
    function linkFor(cells) {
        const c = cells[0];
        const id = cellId(c.section, c.row, c.column, c.s1, c.s2, c.s3);
        return base + '?section=' + encodeURIComponent(c.section) + '#' + id;
    }
    function cellText(c) {
        return 'разд. ' + c.section + ', стр. ' + c.row + (c.s1 ? ' [' + [c.s1, c.s2, c.s3].filter(Boolean).join(', ') + ']' : '') + ', гр. ' + c.column;
    }
    function renderCheck(result) {
        list.textContent = '';
        const items = [].concat(
            result.errors.map(f => Object.assign({ kind: 'error' }, f)),
            result.warnings.map(f => Object.assign({ kind: 'warning' }, f)),
            (result.notChecked || []).map(f => Object.assign({ kind: 'not-checked' }, f)));
        summary.textContent = result.errors.length === 0 && result.warnings.length === 0
            ? 'Ошибок и предупреждений нет.'
            : 'Ошибок: ' + result.errors.length + ', предупреждений: ' + result.warnings.length + '.';
        summary.className = result.errors.length ? 'has-errors' : result.warnings.length ? 'has-warnings' : 'clean';
        items.forEach(f => {
            const li = document.createElement('li');
            li.className = f.kind;
            const label = document.createElement('span');
            label.className = 'kind';
            label.textContent = f.kind === 'error' ? 'Ошибка' : f.kind === 'warning' ? 'Предупреждение' : 'Не проверено';
            const msg = document.createElement('div');
            msg.className = 'message';
            msg.textContent = f.message;
            li.append(label, msg);
            if (f.cells.length > 0) {
                const cellsDiv = document.createElement('div');
                cellsDiv.className = 'cells';
                f.cells.forEach(c => {
                    const a = document.createElement('a');
                    a.href = linkFor([c]);
                    a.textContent = cellText(c);
                    a.addEventListener('click', ev => {
                        if (codeKey(c.section) === codeKey(data.section)) {
                            ev.preventDefault();
                            highlight(f.cells.filter(x => codeKey(x.section) === codeKey(data.section)));
                        } else {
                            sessionStorage.setItem(checkKey + '.hl', JSON.stringify(f.cells));
                            saveThenGo(ev, a.href);
                        }
                    });
                    cellsDiv.append(a, ' ');
                });
                li.append(cellsDiv);
            }
            if (f.kind === 'warning') li.append(explanationEditor(f));
            list.append(li);
        });
        panel.hidden = false;
    }
    function explanationEditor(f) {
        const wrap = document.createElement('div');
        wrap.className = 'explanation';
        const ta = document.createElement('textarea');
        ta.rows = 2; ta.maxLength = 2000; ta.value = f.explanation || '';
        ta.placeholder = 'Пояснение (обязательно перед отправкой)';
        ta.setAttribute('aria-label', 'Пояснение к контролю ' + f.controlId);
        ta.dataset.control = f.controlId;
        wrap.append(ta);
        if (data.canFill) {
            const b = document.createElement('button');
            b.type = 'button'; b.textContent = 'Сохранить пояснение'; b.className = 'explain-save';
            const note = document.createElement('span');
            note.className = 'muted';
            b.addEventListener('click', async () => {
                let a;
                try { a = await answer(await post(base + '?handler=Explain', { controlId: f.controlId, explanation: ta.value })); }
                catch (e) { note.textContent = ' Нет связи с сервером: пояснение не сохранено.'; return; }
                if (a.signedOut) { sessionEnded(); note.textContent = ' Пояснение не сохранено: сеанс работы завершён, войдите снова.'; return; }
                const saved = a.ok && a.json.ok === true;
                note.textContent = saved ? ' Пояснение сохранено.' : ' ' + ((a.json && a.json.message) || 'Не сохранено.');
                if (saved) { f.explanation = ta.value.trim() || null; storeCheck(); }
            });
            wrap.append(b, note);
        } else {
            ta.readOnly = true;
        }
        return wrap;
    }
    let lastCheck = null;
    function storeCheck() { if (lastCheck) sessionStorage.setItem(checkKey, JSON.stringify(lastCheck)); }
    // The findings of «Проверить» and of a refused «Отправить» (the same shape) are shown the same way.
    function showCheck(result) {
        lastCheck = result;
        storeCheck();
        renderCheck(result);
        const mine = [].concat(result.errors, result.warnings).flatMap(f => f.cells).filter(c => codeKey(c.section) === codeKey(data.section));
        document.querySelectorAll('td.flagged').forEach(td => td.classList.remove('flagged'));
        mine.forEach(c => { const el = document.getElementById(cellId(c.section, c.row, c.column, c.s1, c.s2, c.s3)); if (el) el.closest('td').classList.add('flagged'); });
        const firstErr = result.errors.flatMap(f => f.cells).filter(c => codeKey(c.section) === codeKey(data.section));
        if (firstErr.length) highlight(firstErr);
    }
    async function runCheck() {
        const button = document.getElementById('check-button');
        button.disabled = true;
        try {
            if (inFlight) await inFlight;
            if (pending.size > 0 || Object.keys(pendingTitle).length > 0) await save();
            const a = await answer(await post(base + '?handler=Check', {}));
            if (a.signedOut) { sessionEnded(); return; }
            if (!a.ok || !Array.isArray(a.json.errors)) { showProblem((a.json && a.json.message) || 'Проверка не выполнена (' + a.status + ').'); return; }
            showCheck(a.json);
        } catch (e) {
            showProblem('Нет связи с сервером: проверка не выполнена.');
        } finally { button.disabled = false; }
    }
    document.getElementById('check-button').addEventListener('click', runCheck);

    // The previous check stays visible across tabs; a link from another tab highlights its cells here.
    function restoreCheck() {
        try {
            const saved = JSON.parse(sessionStorage.getItem(checkKey) || 'null');
            if (saved) { lastCheck = saved; renderCheck(saved); }
            const hl = JSON.parse(sessionStorage.getItem(checkKey + '.hl') || 'null');
            sessionStorage.removeItem(checkKey + '.hl');
            if (hl) highlight(hl.filter(c => codeKey(c.section) === codeKey(data.section)));
            else if (location.hash.startsWith('#cell-')) {
                const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
                if (el) { el.closest('td').classList.add('highlight'); el.scrollIntoView({ block: 'center' }); el.focus({ preventScroll: true }); }
            }
        } catch (e) { /* ignore a broken session entry */ }
    }

    // ---------- «Отправить» ----------
    const submitForm = document.getElementById('submit-form');
    if (submitForm) {
        submitForm.addEventListener('submit', async ev => {
            // Refused entries would be lost silently: the report would go with the values the server holds.
            if (invalid.size > 0) {
                ev.preventDefault();
                showProblem('Отчёт не отправлен: ' + notSaved(invalid.size) + '. Исправьте отмеченные ячейки.');
                return;
            }
            sessionStorage.removeItem(checkKey);
            if (pending.size === 0 && Object.keys(pendingTitle).length === 0 && !inFlight) return;
            ev.preventDefault();
            if (inFlight) await inFlight;
            await save();
            if (pending.size === 0 && !stopped) { sessionStorage.removeItem(checkKey); submitForm.submit(); }
        });
    }

    // ---------- only changed ----------
    const onlyChanged = document.getElementById('only-changed');
    if (onlyChanged) {
        onlyChanged.addEventListener('change', () => {
            document.querySelectorAll('table.sheet tbody tr.row-f, table.sheet tbody tr.row-m').forEach(tr => {
                tr.hidden = onlyChanged.checked && !tr.querySelector('td.changed');
            });
        });
    }

    // ---------- cell menu: comment and value history ----------
    const menu = document.getElementById('cell-menu');
    const menuButton = document.getElementById('cell-menu-button');
    let menuCell = null;
    root.addEventListener('focusin', e => {
        const el = e.target;
        if (!el.classList || !el.classList.contains('v')) return;
        menuCell = el;
        const rect = el.getBoundingClientRect();
        menuButton.style.top = (window.scrollY + rect.top) + 'px';
        menuButton.style.left = (window.scrollX + rect.right + 2) + 'px';
        menuButton.hidden = false;
    });
    menuButton.addEventListener('mousedown', e => e.preventDefault());
    menuButton.addEventListener('click', () => { if (menuCell) openMenu(menuCell); });
    root.addEventListener('contextmenu', e => {
        const el = e.target.closest('td.cell');
        if (!el) return;
        e.preventDefault();
        openMenu(el.querySelector('.v'));
    });
    root.addEventListener('keydown', e => {
        if ((e.key === 'F2' || (e.altKey && e.key === 'Enter')) && e.target.classList.contains('v')) { e.preventDefault(); openMenu(e.target); }
        if (e.key === 'Escape' && !menu.hidden) { menu.hidden = true; if (menuCell) menuCell.focus(); }
    });
    document.getElementById('cell-menu-close').addEventListener('click', () => { menu.hidden = true; });
    async function openMenu(el) {
        if (!el) return;
        menuCell = el;
        const a = addrOf(el);
        const td = el.closest('td');
        document.getElementById('cell-menu-title').textContent = cellText(a);
        document.getElementById('cell-comment').value = td.dataset.comment || '';
        document.getElementById('cell-old').textContent = td.classList.contains('changed') ? 'Значение в принятой версии: ' + (td.dataset.old || 'пусто') : '';
        const rect = td.getBoundingClientRect();
        menu.style.top = (window.scrollY + rect.bottom + 4) + 'px';
        menu.style.left = Math.max(8, window.scrollX + rect.left - 100) + 'px';
        menu.hidden = false;
        const hist = document.getElementById('cell-history');
        hist.textContent = 'Загрузка…';
        const q = new URLSearchParams({ handler: 'CellHistory', section: a.section, row: a.row, column: a.column });
        ['s1', 's2', 's3'].forEach(k => { if (a[k]) q.set(k, a[k]); });
        let h;
        try { h = await answer(await fetch(base + '?' + q.toString(), { credentials: 'same-origin', headers: scriptHeaders })); }
        catch (e) { hist.textContent = 'История недоступна: нет связи с сервером.'; return; }
        if (h.signedOut) { sessionEnded(); hist.textContent = 'История недоступна: сеанс работы завершён, войдите снова.'; return; }
        if (!h.ok || !Array.isArray(h.json)) { hist.textContent = 'История недоступна.'; return; }
        const rows = h.json;
        if (rows.length === 0) { hist.textContent = 'Значение не менялось.'; return; }
        const table = document.createElement('table');
        table.className = 'grid history';
        table.innerHTML = '<thead><tr><th>Когда</th><th>Кто</th><th>Было</th><th>Стало</th><th>Версия</th><th>Источник</th></tr></thead>';
        const tb = document.createElement('tbody');
        rows.forEach(r => {
            const tr = document.createElement('tr');
            [new Date(r.at).toLocaleString('ru-RU'), r.who, r.oldValue || '—', r.newValue || '—', String(r.version), r.source].forEach(t => {
                const cell = document.createElement('td'); cell.textContent = t; tr.append(cell);
            });
            tb.append(tr);
        });
        table.append(tb);
        hist.textContent = '';
        hist.append(table);
    }
    async function sendComment(text) {
        if (!menuCell) return;
        const a = addrOf(menuCell);
        let r;
        try { r = await answer(await post(base + '?handler=Comment', Object.assign({}, a, { comment: text }))); }
        catch (e) { alert('Нет связи с сервером: комментарий не сохранён.'); return; }
        if (r.signedOut) { sessionEnded(); alert('Комментарий не сохранён: сеанс работы завершён, войдите снова.'); return; }
        if (!r.ok || r.json.ok !== true) { alert((r.json && r.json.message) || 'Комментарий не сохранён.'); return; }
        const td = menuCell.closest('td');
        const t = text.trim();
        if (t) { td.dataset.comment = t; td.classList.add('has-comment'); }
        else { delete td.dataset.comment; td.classList.remove('has-comment'); }
        const oldTip = td.classList.contains('changed') ? 'Было до исправления: ' + (td.dataset.old || 'пусто') : '';
        td.title = [oldTip, t ? 'Комментарий: ' + t : ''].filter(Boolean).join('\n');
        menu.hidden = true;
        menuCell.focus();
    }
    const saveComment = document.getElementById('cell-comment-save');
    if (saveComment) {
        saveComment.addEventListener('click', () => sendComment(document.getElementById('cell-comment').value));
        document.getElementById('cell-comment-remove').addEventListener('click', () => sendComment(''));
    }

    setupHints();
    restoreCheck();
    // A refused «Отправить» comes back as the page with its findings: the same list, links and highlights as «Проверить».
    if (data.submitCheck) showCheck(data.submitCheck);
    offerRestore();
})();
