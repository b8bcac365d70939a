// A headless client of heretostay-wagtail's REST API: plain JavaScript, no build step.
// It lists petitions, shows one with its live count, signs it and shows the new count.
// The API's base URL is ?api=... when given (e.g. ?api=http://127.0.0.1:8000/api/v1 when
// this folder is served on its own), else /api/v1 on this page's own server: the demo
// serves this example at /headless/, whatever port it runs on.
"use strict";

const params = new URLSearchParams(location.search);
const API = (params.get("api") || new URL("/api/v1", location.href).href).replace(/\/$/, "");

const TEXT = {
  en: {
    brand: "Here to Stay — headless example", language: "Language", petitions: "Petitions",
    back: "← All petitions", loading: "Loading…", none: "No petitions yet.",
    open: "Read and sign", signatures: (n, goal) => `${n} of ${goal} signatures`,
    to: "To:", sign: "Sign the petition", name: "Name", email: "Email",
    postal_code: "Postal code", phone: "Phone", comment: "Comment", optional: "(optional)",
    closed: "This petition is not accepting signatures.", failed: "The request failed. Please try again.",
    unreachable: "Cannot reach the API at", fix: "Please correct the errors below.",
    hint: "Open this example from the demo (/headless/), or give the API's address: ?api=http://127.0.0.1:8000/api/v1",
  },
  es: {
    brand: "Aquí nos quedamos — ejemplo headless", language: "Idioma", petitions: "Peticiones",
    back: "← Todas las peticiones", loading: "Cargando…", none: "Todavía no hay peticiones.",
    open: "Leer y firmar", signatures: (n, goal) => `${n} de ${goal} firmas`,
    to: "Para:", sign: "Firmar la petición", name: "Nombre", email: "Correo electrónico",
    postal_code: "Código postal", phone: "Teléfono", comment: "Comentario", optional: "(opcional)",
    closed: "Esta petición no acepta firmas.", failed: "La solicitud falló. Inténtalo de nuevo.",
    unreachable: "No se puede conectar con la API en", fix: "Corrige los errores indicados abajo.",
    hint: "Abre este ejemplo desde la demo (/headless/) o indica la dirección de la API: ?api=http://127.0.0.1:8000/api/v1",
  },
};

let lang =
  params.get("lang") || localStorage.getItem("heretostay-lang") || (navigator.language || "en").slice(0, 2);
if (!TEXT[lang]) lang = "en";
const t = (key, ...args) => {
  const value = TEXT[lang][key];
  return typeof value === "function" ? value(...args) : value;
};

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
};

// Every call sends the chosen language: the API answers (and validates) in it.
async function api(path, options = {}) {
  const response = await fetch(API + path, {
    ...options,
    headers: { "Accept-Language": lang, Accept: "application/json", ...(options.headers || {}) },
  });
  const body = await response.json().catch(() => ({}));
  return { status: response.status, body };
}

function setStatus(message) { $("status").textContent = message || ""; }

function translateChrome() {
  document.documentElement.lang = lang;
  $("language").value = lang;
  document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
}

// Rich text from the CMS shown as plain paragraphs: no HTML from the network is injected.
function plainParagraphs(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const blocks = [...doc.body.querySelectorAll("p, li, h3")];
  return (blocks.length ? blocks : [doc.body]).map((b) => el("p", { text: b.textContent }));
}

async function showList() {
  $("detail-view").hidden = true;
  $("list-view").hidden = false;
  const list = $("petitions");
  list.replaceChildren(el("li", { text: t("loading") }));
  try {
    const { status, body } = await api(`/petitions/?locale=${lang}`);
    if (status !== 200) throw new Error(body.detail || status);
    list.replaceChildren();
    if (!body.results.length) list.append(el("li", { text: t("none") }));
    for (const p of body.results) {
      const link = el("a", { href: `#petition-${p.id}`, text: t("open") });
      list.append(el("li", {},
        el("h2", { text: p.title }),
        el("p", { text: p.ask }),
        el("p", { class: "count", text: t("signatures", p.progress.count, p.progress.target) }),
        link));
    }
  } catch (error) {
    list.replaceChildren(el("li", {}, el("p", { text: `${t("unreachable")} ${API} (${error.message})` }), el("p", { text: t("hint") })));
  }
}

function field(name, kind, required) {
  const id = `f-${name}`;
  const label = el("label", { for: id, text: t(name) + (required ? "" : " " + t("optional")) });
  const input = kind === "textarea" ? el("textarea", { id, name, rows: "3" }) : el("input", { id, name, type: kind });
  if (required) input.required = true;
  const autocomplete = { name: "name", email: "email", postal_code: "postal-code", phone: "tel" }[name];
  if (autocomplete) input.setAttribute("autocomplete", autocomplete);
  input.setAttribute("aria-describedby", `${id}-error`);
  return el("div", {}, label, input, el("p", { id: `${id}-error`, class: "error" }));
}

async function showPetition(id, message) {
  $("list-view").hidden = true;
  $("detail-view").hidden = false;
  const article = $("petition");
  const { status, body: p } = await api(`/petitions/${id}/`);
  if (status !== 200) { article.replaceChildren(el("p", { text: p.detail || t("failed") })); return; }
  // The same petition in the chosen language, when it has a translation.
  const translated = p.locale !== lang && p.translations.find((tr) => tr.locale === lang);
  if (translated) { location.hash = `#petition-${translated.id}`; return; }

  const progress = el("progress", { max: String(p.progress.target), value: String(p.progress.count) });
  progress.setAttribute("aria-label", t("signatures", p.progress.count, p.progress.target));
  article.replaceChildren(
    el("h1", { text: p.title }),
    el("p", {}, el("strong", { text: t("to") + " " }), p.targets.map((x) => x.name).join(", ")),
    el("p", { text: p.ask }),
    ...plainParagraphs(p.why),
    el("p", { class: "count", id: "count", text: t("signatures", p.progress.count, p.progress.target) }),
    progress,
  );
  if (!p.is_open) { article.append(el("p", { text: p.closed_reason || t("closed") })); return; }

  const form = el("form", { novalidate: "" },
    el("h2", { text: t("sign") }),
    field("name", "text", true),
    field("email", "email", true));
  for (const name of ["postal_code", "phone", "comment"]) {
    const ask = p.signer_fields[name];
    if (ask !== "off") form.append(field(name, name === "comment" ? "textarea" : name === "phone" ? "tel" : "text", ask === "required"));
  }
  const optIn = el("input", { id: "f-opt_in", name: "opt_in", type: "checkbox" });
  form.append(el("div", { class: "check" }, optIn, " ", el("label", { for: "f-opt_in", text: p.consent_text })));
  form.append(el("p", { id: "f-non_field_errors-error", class: "error" }));
  form.append(el("button", { type: "submit", text: t("sign") }));
  article.append(form);
  setStatus(message);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    form.querySelectorAll(".error").forEach((node) => { node.textContent = ""; });
    const data = Object.fromEntries(new FormData(form));
    data.opt_in = optIn.checked;
    const { status: code, body } = await api(`/petitions/${p.id}/signatures/`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data),
    });
    if (code === 202) {
      await showPetition(p.id, body.detail);  // fetch the updated count
      return;
    }
    setStatus(code === 400 ? t("fix") : body.detail || t("failed"));
    for (const [name, errors] of Object.entries(body.errors || {})) {
      const target = $(`f-${name}-error`) || $("f-non_field_errors-error");
      target.textContent = errors.map((e) => e.message).join(" ");
    }
    const firstInvalid = Object.keys(body.errors || {}).map((n) => $(`f-${n}`)).find(Boolean);
    if (firstInvalid) firstInvalid.focus();
  });
}

function route() {
  setStatus("");
  const match = location.hash.match(/^#petition-(\d+)$/);
  if (match) showPetition(match[1]); else showList();
}

$("language").addEventListener("change", (event) => {
  lang = event.target.value;
  localStorage.setItem("heretostay-lang", lang);
  translateChrome();
  route();
});
$("back").addEventListener("click", (event) => { event.preventDefault(); location.hash = ""; showList(); });
window.addEventListener("hashchange", route);
translateChrome();
route();
