// Autosave for the entry editor. Every keystroke is kept on this device at once (localStorage,
// per writer and per entry); a few seconds after typing stops it is saved to the server too.
// Offline, it waits and syncs by itself when the connection returns. Without this script the
// plain form still works.
const form = document.querySelector('form[data-autosave-slot]');
const FIELDS = ['title', 'body', 'entry_date', 'support', 'prompt_key', 'version'];

function read() {
  const values = {};
  FIELDS.forEach((name) => {
    const field = form.elements.namedItem(name);
    if (!field) return;
    values[name] = field instanceof RadioNodeList ? field.value : field.value;
  });
  return values;
}

function write(values) {
  FIELDS.forEach((name) => {
    const field = form.elements.namedItem(name);
    if (!field || values[name] === undefined) return;
    field.value = values[name];
  });
  form.elements.namedItem('body')?.dispatchEvent(new Event('input', { bubbles: true }));
}

if (form) {
  const key = `journal-draft:${form.dataset.autosaveOwner}:${form.dataset.autosaveSlot}`;
  const url = form.dataset.autosaveUrl;
  const status = document.querySelector('[data-autosave-status]');
  const offer = document.querySelector('[data-autosave-offer]');
  const csrf = form.elements.namedItem('csrf_token')?.value;
  let timer = null;

  const say = (text) => { if (status) status.textContent = text; };
  const stored = () => {
    try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
  };
  const same = (a, b) => FIELDS.every((name) => (a[name] || '') === (b[name] || ''));

  async function sync() {
    const draft = stored();
    if (!draft || draft.synced) return;
    if (!navigator.onLine) { say('Saved on this phone – will sync when you are back online'); return; }
    try {
      const response = await fetch(url, {
        method: 'POST', credentials: 'same-origin', redirect: 'manual',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
        body: JSON.stringify(draft.values),
      });
      if (response.ok) {
        const latest = stored();
        if (latest && latest.savedAt === draft.savedAt) {
          localStorage.setItem(key, JSON.stringify({ ...latest, synced: true }));
        }
        say('Saved');
      } else {
        say('Not saved to your account: sign in again. Your writing is kept on this phone.');
      }
    } catch {
      say('Saved on this phone – will sync when you are back online');
    }
  }

  const keep = () => {
    localStorage.setItem(key, JSON.stringify({ values: read(), savedAt: Date.now(), synced: false }));
    say('Saved on this phone – will sync');
    clearTimeout(timer);
    timer = setTimeout(sync, 2000);
  };

  // A newer draft on this device than the form shows: offer it, never impose it.
  const draft = stored();
  if (draft && !same(draft.values, read()) && offer) {
    offer.hidden = false;
    const when = new Date(draft.savedAt).toLocaleString();
    offer.querySelector('[data-autosave-when]').textContent = when;
    offer.querySelector('[data-autosave-restore]').addEventListener('click', () => {
      write(draft.values);
      offer.hidden = true;
      keep();
    });
    offer.querySelector('[data-autosave-discard]').addEventListener('click', () => {
      localStorage.removeItem(key);
      offer.hidden = true;
    });
  } else if (draft && !draft.synced) {
    sync();
  }

  form.addEventListener('input', keep);
  form.addEventListener('change', keep);
  form.addEventListener('submit', () => {
    const current = stored();
    if (current) localStorage.setItem(key, JSON.stringify({ ...current, submitted: true }));
  });
  window.addEventListener('online', sync);
}
