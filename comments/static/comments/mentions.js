// @mentions: a textarea with data-mentions-url suggests the journey's members as soon as someone types "@".
// Arrow keys move through the list, Enter or Tab picks, Escape closes; a click picks too. The textarea keeps the
// focus (aria-activedescendant points at the highlighted person) and a polite status says how many match.
// Also: a comment form (data-comment-form) empties itself once its comment is saved.
(function () {
  "use strict";
  const people = new Map(); // url -> Promise of [{username, name}]
  const TRIGGER = /(^|[^\w@.+-])@([\w.+-]*)$/;
  let open = null; // {textarea, list, matches, index, start}

  function load(url) {
    if (!people.has(url)) {
      people.set(url, fetch(url, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : { people: [] })).then((d) => d.people).catch(() => []));
    }
    return people.get(url);
  }

  function status(textarea) {
    let region = document.getElementById("mention-status");
    if (!region) {
      region = document.createElement("div");
      region.id = "mention-status";
      region.className = "visually-hidden";
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  function listFor(textarea) {
    const id = `${textarea.id}-mentions`;
    let list = document.getElementById(id);
    if (!list) {
      list = document.createElement("ul");
      list.id = id;
      list.className = "mention-suggestions";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", textarea.dataset.mentionsLabel || "@");
      list.hidden = true;
      textarea.insertAdjacentElement("afterend", list);
      textarea.setAttribute("aria-controls", id);
      textarea.setAttribute("aria-autocomplete", "list");
      list.addEventListener("mousedown", (event) => {
        const option = event.target.closest("[role=option]");
        if (!option) return;
        event.preventDefault(); // keep the focus in the textarea
        pick(Number(option.dataset.index));
      });
    }
    return list;
  }

  function close() {
    if (!open) return;
    open.list.hidden = true;
    open.list.replaceChildren();
    open.textarea.removeAttribute("aria-activedescendant");
    open = null;
  }

  function highlight(index) {
    if (!open) return;
    open.index = (index + open.matches.length) % open.matches.length;
    Array.from(open.list.children).forEach((option, i) => option.setAttribute("aria-selected", String(i === open.index)));
    const current = open.list.children[open.index];
    open.textarea.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  }

  function pick(index) {
    if (!open) return;
    const { textarea, matches, start } = open;
    const person = matches[index];
    const caret = textarea.selectionStart;
    const insert = `@${person.username} `;
    textarea.value = textarea.value.slice(0, start) + insert + textarea.value.slice(caret);
    const at = start + insert.length;
    textarea.setSelectionRange(at, at);
    close();
    status(textarea).textContent = `@${person.username}`;
  }

  async function suggest(textarea) {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const found = TRIGGER.exec(before);
    if (!found) { close(); return; }
    const query = found[2].toLowerCase();
    const all = await load(textarea.dataset.mentionsUrl);
    const matches = all.filter((p) => p.username.toLowerCase().includes(query) || p.name.toLowerCase().includes(query)).slice(0, 8);
    if (!matches.length) { close(); status(textarea).textContent = textarea.dataset.mentionsNone || ""; return; }
    const list = listFor(textarea);
    list.replaceChildren(...matches.map((person, index) => {
      const option = document.createElement("li");
      option.id = `${list.id}-${index}`;
      option.setAttribute("role", "option");
      option.dataset.index = String(index);
      const name = document.createElement("span");
      name.textContent = person.name;
      const username = document.createElement("span");
      username.className = "username";
      username.textContent = `@${person.username}`;
      option.append(name, username);
      return option;
    }));
    list.hidden = false;
    open = { textarea, list, matches, index: 0, start: before.length - found[2].length - 1 };
    highlight(0);
    const template = textarea.dataset.mentionsCount || "{count}";
    status(textarea).textContent = template.replace("{count}", String(matches.length));
  }

  document.addEventListener("input", (event) => {
    if (event.target.matches?.("textarea[data-mentions-url]")) suggest(event.target);
  });
  document.addEventListener("keydown", (event) => {
    if (!open || event.target !== open.textarea) return;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(open.index + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(open.index - 1); }
    else if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); pick(open.index); }
    else if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  document.addEventListener("focusout", (event) => {
    if (open && event.target === open.textarea) setTimeout(close, 100);
  });
  // A saved comment empties its form; on a live page the outbox (live.js) sends it, elsewhere htmx does.
  function emptyForm(form) {
    form.reset();
    form.querySelectorAll(".errorlist, .form-errors").forEach((message) => message.remove());
  }
  document.addEventListener("outbox:answered", (event) => {
    if (event.target.matches?.("[data-comment-form]") && event.detail.status < 300) emptyForm(event.target);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (form.matches?.("[data-comment-form]") && event.detail.successful && event.detail.xhr.status < 300) emptyForm(form);
  });
})();
