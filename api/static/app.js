// matcha web page: participants upload a CV and see profile and matches; recruiters post ads and see
// anonymised candidates. No build step. All data is written with textContent (never as HTML).
"use strict";

const TEXT = {
  sv: {
    tagline: "Kompetens först: vi läser ditt CV och visar jobb och praktik som passar.",
    login_title: "Logga in", token: "Din nyckel (token)", login: "Logga in",
    upload_title: "Ladda upp ditt CV", cv_file: "CV (PDF, DOCX eller text)", municipality: "Kommun",
    consent: "Rekryterare får se mina kontaktuppgifter", upload: "Ladda upp",
    profile_title: "Din kompetensprofil",
    masked_hint: "Personuppgifter är dolda ([…]) innan något läses eller visas för arbetsgivare.",
    skills: "Kompetenser", occupations: "Yrken", cv_text: "Ditt CV (markerat)", matches_title: "Matchningar",
    possible_skills: "Möjliga kompetenser", possible_hint: "Mindre säkra: de räknas i matchningen. Stämmer de?",
    possible: "möjlig", related: "närliggande", via: "genom kompetensen",
    confirm_skill: "Stämmer", reject_skill: "Stämmer inte", undo_skill: "Ångra", confirmed: "bekräftad",
    rejected_skills: "Borttagna av dig", rejected_hint: "De används inte i matchningen och visas inte för rekryterare.",
    review_confirmed: "Kompetensen är bekräftad.", review_rejected: "Kompetensen är borttagen ur din profil.",
    review_unreviewed: "Ändringen är ångrad.",
    kind: "Typ", all: "Alla", job: "Jobb", traineeship: "Praktik", delete_cv: "Radera mitt CV",
    post_title: "Publicera en annons", title: "Titel", employer: "Arbetsgivare",
    ad_text: "Annonstext (rubrikerna \"Krav:\" och \"Meriterande:\" delar upp kraven)", publish: "Publicera",
    my_ads: "Mina annonser", search_title: "Sök kandidater på kompetens", skill_search: "Kompetens", search: "Sök",
    candidates_title: "Kandidater", show_candidates: "Visa kandidater", matched: "Matchade kompetenser",
    missing: "Saknas", essential: "krav", optional: "meriterande", candidate: "Kandidat",
    logged_in_as: "Inloggad som", role_participant: "deltagare", role_recruiter: "rekryterare", role_admin: "admin",
    uploading: "Laddar upp och läser ditt CV …", uploaded: "Ditt CV är inläst.", deleted: "Ditt CV och allt som härletts ur det är raderat.",
    confirm_delete: "Radera ditt CV och allt som härletts ur det?", posted: "Annonsen är publicerad.",
    no_matches: "Inga matchningar ännu.", no_candidates: "Inga kandidater ännu.", contact: "Kontakt",
    unmet: "Uppfyller inte", open_cv: "Visa", your_cvs: "Dina CV:n",
    consent_on: "Rekryterare kan nu se dina kontaktuppgifter.", consent_off: "Dina kontaktuppgifter är dolda för rekryterare.",
    role_coordinator: "koordinator", programmes_title: "Program", programme: "Program", cohort_title: "Deltagare",
    suggestions_title: "Mentorförslag", assignment_title: "Mentorfördelning",
    assignment_hint: "Fördelningen ger störst sammanlagd passform inom mentorernas platser. Låsta par behålls, uteslutna par görs aldrig.",
    run_assignment: "Fördela mentorer", outcomes_title: "Utfall per kohort", download_csv: "Ladda ner CSV",
    participant: "Deltagare", cohort: "kohort", suggest: "Mentorförslag", pin: "Lås", forbid: "Uteslut", clear: "Ta bort spärr",
    total: "Sammanlagd passform", no_mentor: "Utan mentor", same_occupation: "Samma yrke", same_group: "Samma yrkesgrupp",
    shared_languages: "Gemensamt språk", same_municipality: "Samma kommun", same_region: "Samma län", places: "platser",
    pinned: "låst", assigned: "fördelad", forbidden: "utesluten", participants: "Deltagare", in_work_or_studies: "I arbete eller studier",
    in_work: "I arbete", in_studies: "Studerar", own_field: "I arbete inom sitt yrke", plot_alt: "Utfall per kohort (stapeldiagram)",
    period: "Period", no_programmes: "Inga program ännu.", pinned_done: "Paret är låst.", forbidden_done: "Paret är uteslutet.",
    cleared_done: "Spärren är borttagen.", assigned_done: "Mentorerna är fördelade.",
    placement_title: "Registrera vad som hänt en deltagare", studies: "Studier", none_yet: "Inget ännu", occupation: "Yrke",
    start: "Från", end: "Till", record: "Registrera", recorded: "Det är registrerat.",
    cv_ids: "CV-nummer (kommaseparerade)", cohort_name: "Kohort", add_participants: "Lägg till deltagare",
    add_mentor_title: "Lägg till en mentor", name: "Namn", capacity: "Antal adepter högst",
    languages_codes: "Språk (ISO-koder, t.ex. sv, ar)", mentor_text: "Eller en CV-liknande text om mentorn",
    add_mentor: "Lägg till mentor", mentor_added: "Mentorn är tillagd.", participants_added: "Deltagarna är tillagda.",
  },
  en: {
    tagline: "Competence first: we read your CV and show jobs and traineeships that fit.",
    login_title: "Sign in", token: "Your token", login: "Sign in",
    upload_title: "Upload your CV", cv_file: "CV (PDF, DOCX or text)", municipality: "Municipality",
    consent: "Recruiters may see my contact details", upload: "Upload",
    profile_title: "Your competence profile",
    masked_hint: "Personal details are hidden ([…]) before anything is read or shown to employers.",
    skills: "Skills", occupations: "Occupations", cv_text: "Your CV (highlighted)", matches_title: "Matches",
    possible_skills: "Possible skills", possible_hint: "Less certain: they count in matching. Are they right?",
    possible: "possible", related: "related", via: "through the skill",
    confirm_skill: "Right", reject_skill: "Wrong", undo_skill: "Undo", confirmed: "confirmed",
    rejected_skills: "Removed by you", rejected_hint: "They are not used in matching and not shown to recruiters.",
    review_confirmed: "The skill is confirmed.", review_rejected: "The skill is removed from your profile.",
    review_unreviewed: "The change is undone.",
    kind: "Kind", all: "All", job: "Job", traineeship: "Traineeship", delete_cv: "Delete my CV",
    post_title: "Post an ad", title: "Title", employer: "Employer",
    ad_text: "Ad text (the headings \"Requirements:\" and \"Nice to have:\" split the requirements)", publish: "Publish",
    my_ads: "My ads", search_title: "Search candidates by competence", skill_search: "Skill", search: "Search",
    candidates_title: "Candidates", show_candidates: "Show candidates", matched: "Matched skills",
    missing: "Missing", essential: "required", optional: "a plus", candidate: "Candidate",
    logged_in_as: "Signed in as", role_participant: "participant", role_recruiter: "recruiter", role_admin: "admin",
    uploading: "Uploading and reading your CV …", uploaded: "Your CV has been read.", deleted: "Your CV and everything derived from it has been deleted.",
    confirm_delete: "Delete your CV and everything derived from it?", posted: "The ad is published.",
    no_matches: "No matches yet.", no_candidates: "No candidates yet.", contact: "Contact",
    unmet: "Not met", open_cv: "Open", your_cvs: "Your CVs",
    consent_on: "Recruiters can now see your contact details.", consent_off: "Your contact details are hidden from recruiters.",
    role_coordinator: "coordinator", programmes_title: "Programmes", programme: "Programme", cohort_title: "Participants",
    suggestions_title: "Mentor suggestions", assignment_title: "Mentor assignment",
    assignment_hint: "The assignment gives the largest total fit within the mentors' places. Pinned pairs are kept, forbidden pairs are never made.",
    run_assignment: "Assign mentors", outcomes_title: "Outcomes per cohort", download_csv: "Download CSV",
    participant: "Participant", cohort: "cohort", suggest: "Mentor suggestions", pin: "Pin", forbid: "Forbid", clear: "Clear",
    total: "Total fit", no_mentor: "No mentor", same_occupation: "Same occupation", same_group: "Same occupation group",
    shared_languages: "Shared language", same_municipality: "Same municipality", same_region: "Same county", places: "places",
    pinned: "pinned", assigned: "assigned", forbidden: "forbidden", participants: "Participants", in_work_or_studies: "In work or studies",
    in_work: "In work", in_studies: "Studying", own_field: "In work in own field", plot_alt: "Outcomes per cohort (bar chart)",
    period: "Period", no_programmes: "No programmes yet.", pinned_done: "The pair is pinned.", forbidden_done: "The pair is forbidden.",
    cleared_done: "The pair is cleared.", assigned_done: "Mentors are assigned.",
    placement_title: "Record what happened to a participant", studies: "Studies", none_yet: "None yet", occupation: "Occupation",
    start: "From", end: "To", record: "Record", recorded: "It is recorded.",
    cv_ids: "CV numbers (comma-separated)", cohort_name: "Cohort", add_participants: "Add participants",
    add_mentor_title: "Add a mentor", name: "Name", capacity: "Adepts at most",
    languages_codes: "Languages (ISO codes, e.g. sv, ar)", mentor_text: "Or a CV-like text about the mentor",
    add_mentor: "Add mentor", mentor_added: "The mentor is added.", participants_added: "The participants are added.",
  },
};

const state = { lang: "sv", token: "", user: null, cv: null, skillUris: {}, programme: null, suggestions: null,
                assignment: null, outcomes: null, occupationUris: {} };
const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[state.lang][key] || key;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

function setLang(lang) {
  state.lang = lang;
  document.documentElement.lang = lang;
  $("lang-sv").setAttribute("aria-pressed", String(lang === "sv"));
  $("lang-en").setAttribute("aria-pressed", String(lang === "en"));
  document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
  if (state.user) showWho();
  if (state.cv) renderProfile(state.cv);
  if (state.programme) { renderCoordinator(); loadPlot(); }
}

function status(message, isError = false) {
  $("status").textContent = message;
  $("status").className = isError ? "error" : "";
}

async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: `Bearer ${state.token}` }, options.headers || {});
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 204) return null;
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
  return body;
}

function sendJson(path, body, method = "POST") {
  return api(path, { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

function showWho() {
  $("who").textContent = `${t("logged_in_as")} ${t("role_" + state.user.role)}`;
}

async function login(event) {
  event.preventDefault();
  state.token = $("token").value.trim();
  try {
    state.user = await api("/me");
  } catch (error) {
    status(error.message, true);
    return;
  }
  showWho();
  status("");
  const role = state.user.role;
  $("participant").hidden = !(role === "participant" || role === "admin");
  $("recruiter").hidden = !(role === "recruiter" || role === "admin");
  $("coordinator").hidden = !(role === "coordinator" || role === "admin");
  if (!$("participant").hidden) await listCvs();
  if (!$("recruiter").hidden) await listAds();
  if (!$("coordinator").hidden) await listProgrammes();
}

// -- participants ---------------------------------------------------------------------------------------------
async function listCvs() {
  const cvs = await api("/cvs");
  const box = $("my-cvs");
  box.replaceChildren();
  if (!cvs.length) return;
  box.append(el("h3", {}, t("your_cvs")));
  const list = el("ul");
  for (const cv of cvs) {
    const open = el("button", { type: "button", "data-testid": `open-cv-${cv.id}` }, `${t("open_cv")} CV #${cv.id}`);
    open.addEventListener("click", () => openCv(cv.id));
    list.append(el("li", {}, open, ` ${cv.municipality || ""}`));
  }
  box.append(list);
}

async function upload(event) {
  event.preventDefault();
  const form = new FormData();
  form.append("file", $("cv-file").files[0]);
  form.append("municipality", $("cv-municipality").value);
  form.append("consent_contact", $("cv-consent").checked ? "true" : "false");
  status(t("uploading"));
  try {
    const cv = await api("/cvs", { method: "POST", body: form });
    status(t("uploaded"));
    await showCv(cv);
    await listCvs();
  } catch (error) {
    status(error.message, true);
  }
}

async function openCv(id) {
  try { await showCv(await api(`/cvs/${id}`)); } catch (error) { status(error.message, true); }
}

async function showCv(cv) {
  state.cv = cv;
  renderProfile(cv);
  await loadMatches();
}

function highlighted(text, spans) {
  // spans: [{start, end, cls}] -> text nodes and <mark>s, no overlaps (first wins).
  const sorted = spans.slice().sort((a, b) => a.start - b.start || b.end - a.end);
  const nodes = [];
  let pos = 0;
  for (const span of sorted) {
    if (span.start < pos) continue;
    nodes.push(text.slice(pos, span.start));
    nodes.push(el("mark", { class: span.cls, title: span.title || "" }, text.slice(span.start, span.end)));
    pos = span.end;
  }
  nodes.push(text.slice(pos));
  return nodes;
}

function label(concept) {
  return state.lang === "sv" ? (concept.label_sv || concept.label) : concept.label;
}

function reviewButton(skill, verdict, glyph) {
  const text = t({ confirmed: "confirm_skill", rejected: "reject_skill", unreviewed: "undo_skill" }[verdict]);
  const button = el("button", { type: "button", class: "review", title: text, "aria-label": `${text}: ${label(skill)}`,
                                "data-testid": `${verdict}-skill` }, glyph);
  button.addEventListener("click", () => reviewSkill(skill.uri, verdict));
  return button;
}

function skillChip(skill, cls, ...buttons) {
  const confirmed = skill.review && skill.review.verdict === "confirmed";
  const text = confirmed ? `${label(skill)} ✓` : label(skill);
  return el("li", { class: [cls, confirmed ? "confirmed" : ""].filter(Boolean).join(" "), title: confirmed ? t("confirmed") : "",
                    dataset: { uri: skill.uri } }, text, ...buttons);
}

async function reviewSkill(uri, verdict) {
  try {
    const cv = await sendJson(`/cvs/${state.cv.id}/skills/review`, { uri, verdict }, "PUT");
    status(t(`review_${verdict}`));
    await showCv(cv);
  } catch (error) {
    status(error.message, true);
  }
}

function renderProfile(cv, hits = []) {
  $("profile").hidden = false;
  $("profile-consent").checked = cv.consent_contact;
  const profile = cv.profile;
  const possible = profile.possible_skills || [];
  const rejected = profile.rejected_skills || [];
  // The participant's word on each skill: a shown one can be rejected, a possible one confirmed or rejected, a
  // rejected one brought back (undo).
  $("skills").replaceChildren(...profile.skills.map((s) => skillChip(s, "", reviewButton(s, "rejected", "✕"))));
  $("possible-skills").replaceChildren(...possible.map((s) => skillChip(s, "possible", reviewButton(s, "confirmed", "✓"),
                                                                         reviewButton(s, "rejected", "✕"))));
  $("possible-block").hidden = !possible.length;
  $("rejected-skills").replaceChildren(...rejected.map((s) => skillChip(s, "rejected", reviewButton(s, "unreviewed", t("undo_skill")))));
  $("rejected-block").hidden = !rejected.length;
  $("occupations").replaceChildren(...profile.occupations.map((o) => el("li", {}, label(o))));
  const spans = hits.map((e) => ({ start: e.start, end: e.end, cls: "hit" }));
  for (const s of profile.skills) for (const e of s.evidence) spans.push({ start: e.start, end: e.end, cls: "skill", title: s.label });
  for (const s of possible) for (const e of s.evidence) spans.push({ start: e.start, end: e.end, cls: "possible", title: `${s.label} (${t("possible")})` });
  $("cv-text").replaceChildren(...highlighted(profile.text, spans));
}

function skillList(title, items, cls) {
  const list = el("ul", { class: "chips" });
  for (const item of items) {
    const tags = [item.essential ? t("essential") : t("optional")];
    if (item.relation === "related") tags.push(t("related"));
    if (item.possible) tags.push(t("possible"));
    if (item.confirmed) tags.push(t("confirmed"));
    // A related match is covered by another skill of the CV (same ESCO group): its title names that skill.
    const via = state.lang === "sv" ? (item.cv_skill_sv || item.cv_skill) : item.cv_skill;
    const title = item.relation === "related" && via ? `${t("via")} ${via}` : "";
    list.append(el("li", { class: item.possible ? `${cls} possible` : cls, title, "data-relation": item.relation || "" },
                   `${label(item)} (${tags.join(", ")})`));
  }
  return el("div", {}, el("strong", {}, title), list);
}

function explanationNodes(explanation) {
  const nodes = [skillList(t("matched"), explanation.matched_skills, "matched"),
                 skillList(t("missing"), explanation.missing_skills, "missing")];
  if (explanation.unmet_requirements.length) nodes.push(el("p", {}, `${t("unmet")}: ${explanation.unmet_requirements.join("; ")}`));
  const parts = Object.entries(explanation.score_parts).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(" · ");
  nodes.push(el("p", { class: "hint" }, parts));
  return nodes;
}

async function loadMatches() {
  const kind = $("match-kind").value;
  const query = kind ? `?kind=${encodeURIComponent(kind)}` : "";
  const { matches } = await api(`/cvs/${state.cv.id}/matches${query}`);
  const list = $("matches");
  list.replaceChildren();
  if (!matches.length) list.append(el("li", {}, t("no_matches")));
  for (const m of matches) {
    const head = el("button", { type: "button", class: "link", "data-testid": "match-title" },
      `${m.title} — ${m.employer}, ${m.municipality} (${t(m.kind)})`);
    head.addEventListener("click", () => renderProfile(state.cv, m.explanation.matched_skills.flatMap((s) => s.cv_evidence)));
    list.append(el("li", { "data-testid": "match" }, el("span", { class: "score" }, m.score.toFixed(2)), head,
      ...explanationNodes(m.explanation)));
  }
}

async function setConsent() {
  try {
    const cv = await api(`/cvs/${state.cv.id}/consent`, {
      method: "PUT", body: JSON.stringify({ consent_contact: $("profile-consent").checked }),
      headers: { "Content-Type": "application/json" } });
    state.cv.consent_contact = cv.consent_contact;
    status(t(cv.consent_contact ? "consent_on" : "consent_off"));
  } catch (error) {
    status(error.message, true);
  }
}

async function deleteCv() {
  if (!state.cv || !window.confirm(t("confirm_delete"))) return;
  try {
    await api(`/cvs/${state.cv.id}`, { method: "DELETE" });
    state.cv = null;
    $("profile").hidden = true;
    status(t("deleted"));
    await listCvs();
  } catch (error) {
    status(error.message, true);
  }
}

// -- recruiters -----------------------------------------------------------------------------------------------
async function listAds() {
  const ads = await api("/ads");
  $("ads").replaceChildren(...ads.map((ad) => {
    const button = el("button", { type: "button", "data-testid": `candidates-${ad.id}` }, t("show_candidates"));
    button.addEventListener("click", () => showCandidates(`/ads/${ad.id}/candidates`, ad.title));
    return el("li", { "data-testid": "ad" }, `${ad.title} — ${ad.employer} ${ad.municipality} (${t(ad.kind)}) `, button);
  }));
}

async function postAd(event) {
  event.preventDefault();
  const ad = { title: $("ad-title").value, employer: $("ad-employer").value, kind: $("ad-kind").value,
               municipality: $("ad-municipality").value, text: $("ad-text").value };
  try {
    const created = await api("/ads", { method: "POST", body: JSON.stringify(ad), headers: { "Content-Type": "application/json" } });
    status(t("posted"));
    await listAds();
    await showCandidates(`/ads/${created.id}/candidates`, created.title);
  } catch (error) {
    status(error.message, true);
  }
}

async function showCandidates(path, title) {
  try {
    const { candidates } = await api(path);
    $("candidates-title").textContent = `${t("candidates_title")}: ${title}`;
    const list = $("candidates");
    list.replaceChildren();
    if (!candidates.length) list.append(el("li", {}, t("no_candidates")));
    for (const c of candidates) {
      const nodes = [el("span", { class: "score" }, c.score.toFixed(2)), `${t("candidate")} #${c.cv_id} ${c.municipality || ""}`];
      if (c.contact) nodes.push(el("p", {}, `${t("contact")}: ${[c.contact.name, c.contact.email, c.contact.phone].filter(Boolean).join(", ")}`));
      list.append(el("li", { "data-testid": "candidate" }, ...nodes, ...explanationNodes(c.explanation)));
    }
  } catch (error) {
    status(error.message, true);
  }
}

// -- coordinators ---------------------------------------------------------------------------------------------
async function listProgrammes() {
  const programmes = await api("/programmes");
  $("programme-select").replaceChildren(...programmes.map((p) => el("option", { value: p.id }, p.name)));
  if (!programmes.length) { $("programme-info").textContent = t("no_programmes"); return; }
  await openProgramme(programmes[0].id);
}

async function openProgramme(id) {
  try {
    const [programme, participants, assignment, outcomes] = await Promise.all([
      api(`/programmes/${id}`), api(`/programmes/${id}/participants`), api(`/programmes/${id}/assignment`),
      api(`/programmes/${id}/outcomes`)]);
    Object.assign(state, { programme, participants, assignment, outcomes, suggestions: null });
    renderCoordinator();
    await loadPlot();
  } catch (error) {
    status(error.message, true);
  }
}

function renderCoordinator() {
  const p = state.programme;
  $("programme-info").textContent = `${p.municipality} · ${t("period")} ${p.start} – ${p.end} · ${p.participants} ${t("participants").toLowerCase()}`;
  $("cohort").replaceChildren(...state.participants.map((member) => {
    const button = el("button", { type: "button", "data-testid": `suggest-${member.cv_id}` }, t("suggest"));
    button.addEventListener("click", () => loadSuggestions(member.cv_id));
    const occupations = member.profile.occupations.map(label).join(", ");
    return el("li", { "data-testid": "participant" },
      `${t("participant")} #${member.cv_id} (${member.municipality || "-"}, ${t("cohort")} ${member.cohort || "-"}) ${occupations} `, button);
  }));
  const chosen = $("placement-cv").value;
  $("placement-cv").replaceChildren(...state.participants.map((m) => el("option", { value: m.cv_id }, `${t("participant")} #${m.cv_id}`)));
  if (chosen) $("placement-cv").value = chosen;
  renderSuggestions();
  renderAssignment();
  renderOutcomes();
}

function linkButton(cvId, mentorId, status, text) {
  const button = el("button", { type: "button", class: "link", "data-testid": `${status}-${cvId}-${mentorId}` }, text);
  button.addEventListener("click", () => setLink(cvId, mentorId, status));
  return button;
}

async function loadSuggestions(cvId) {
  try {
    state.suggestions = { cvId, mentors: await api(`/programmes/${state.programme.id}/participants/${cvId}/mentors`) };
    renderSuggestions();
  } catch (error) {
    status(error.message, true);
  }
}

function renderSuggestions() {
  const list = $("suggestions");
  list.replaceChildren();
  if (!state.suggestions) return;
  const { cvId, mentors } = state.suggestions;
  $("suggestions-title").textContent = `${t("suggestions_title")}: ${t("participant")} #${cvId}`;
  for (const m of mentors) {
    const exp = m.explanation;
    const why = [];
    for (const o of exp.shared_occupations) {
      why.push(o.relation === "exact" ? `${t("same_occupation")}: ${label(o)}` : `${t("same_group")}: ${o.isco_label || o.isco} (ISCO ${o.isco})`);
    }
    if (exp.shared_languages.length) why.push(`${t("shared_languages")}: ${exp.shared_languages.join(", ")}`);
    if (exp.place) why.push(t(exp.place === "municipality" ? "same_municipality" : "same_region"));
    list.append(el("li", { "data-testid": "suggestion" }, el("span", { class: "score" }, m.score.toFixed(2)),
      el("strong", {}, m.name), ` (${m.municipality || "-"}, ${m.capacity} ${t("places")}) `,
      linkButton(cvId, m.mentor_id, "pinned", t("pin")), " ", linkButton(cvId, m.mentor_id, "forbidden", t("forbid")),
      el("p", { "data-testid": "why" }, why.join(" · ")),
      skillList(t("matched"), exp.matched_skills, "matched"),
      el("p", { class: "hint" }, Object.entries(exp.score_parts).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(" · "))));
  }
}

async function setLink(cvId, mentorId, linkStatus) {
  try {
    state.assignment = await sendJson(`/programmes/${state.programme.id}/links`, { cv_id: cvId, mentor_id: mentorId,
      status: linkStatus === "forbidden" || linkStatus === "pinned" ? linkStatus : "none" }, "PUT");
    renderAssignment();
    status(t({ pinned: "pinned_done", forbidden: "forbidden_done" }[linkStatus] || "cleared_done"));
  } catch (error) {
    status(error.message, true);
  }
}

async function runAssignment() {
  try {
    state.assignment = await api(`/programmes/${state.programme.id}/assignment`, { method: "POST" });
    renderAssignment();
    status(t("assigned_done"));
  } catch (error) {
    status(error.message, true);
  }
}

function renderAssignment() {
  const a = state.assignment;
  $("assignment-total").textContent = `${t("total")}: ${a.total.toFixed(2)}`;
  const items = a.pairs.map((pair) => el("li", { "data-testid": "pair" }, el("span", { class: "score" }, pair.score.toFixed(2)),
    `${t("participant")} #${pair.cv_id} → ${pair.mentor_name} (${t(pair.status)}) `,
    pair.status === "pinned" ? linkButton(pair.cv_id, pair.mentor_id, "none", t("clear"))
      : linkButton(pair.cv_id, pair.mentor_id, "pinned", t("pin"))));
  for (const [cvId, mentorId] of a.forbidden) {
    items.push(el("li", { "data-testid": "forbidden-pair" }, `${t("participant")} #${cvId} ✕ mentor #${mentorId} (${t("forbidden")}) `,
      linkButton(cvId, mentorId, "none", t("clear"))));
  }
  for (const cvId of a.unassigned) items.push(el("li", {}, `${t("participant")} #${cvId}: ${t("no_mentor")}`));
  $("assignment").replaceChildren(...items);
}

function percent(share) {
  return share === null || share === undefined ? "–" : `${Math.round(share * 100)} %`;
}

function renderOutcomes() {
  const o = state.outcomes;
  const head = el("tr", {}, ...["cohort", "participants", "in_work", "in_studies", "in_work_or_studies", "own_field"]
    .map((key) => el("th", {}, t(key))));
  const rows = [...o.cohorts, Object.assign({}, o.total, { cohort: state.lang === "sv" ? "Alla" : "All" })].map((c) => el("tr", { "data-testid": "outcome-row" },
    el("td", {}, c.cohort || "-"), el("td", {}, c.participants), el("td", {}, c.in_work), el("td", {}, c.in_studies),
    el("td", {}, percent(c.in_work_or_studies_share)), el("td", {}, `${percent(c.own_field_share)} (${c.own_field}/${c.in_work})`)));
  $("outcomes").replaceChildren(head, ...rows);
  $("outcome-plot").alt = t("plot_alt");
}

let occupationTimer = null;
function suggestOccupations(input) {
  clearTimeout(occupationTimer);
  const q = $(input).value.trim();
  if (q.length < 2) return;
  occupationTimer = setTimeout(async () => {
    const hits = await api(`/taxonomy/occupations?q=${encodeURIComponent(q)}&limit=10`);
    $("occupation-options").replaceChildren(...hits.map((h) => {
      state.occupationUris[h.matched] = h.uri;
      return el("option", { value: h.matched }, label(h));
    }));
  }, 150);
}

async function occupationUri(text) {
  if (!text) return null;
  if (state.occupationUris[text]) return state.occupationUris[text];
  const hits = await api(`/taxonomy/occupations?q=${encodeURIComponent(text)}&limit=1`);
  if (!hits.length) throw new Error(`? ${text}`);
  return hits[0].uri;
}

async function addParticipants(event) {
  event.preventDefault();
  try {
    const ids = $("participant-ids").value.split(/[\s,]+/).filter(Boolean).map(Number);
    await sendJson(`/programmes/${state.programme.id}/participants`, { cv_ids: ids, cohort: $("participant-cohort").value });
    await openProgramme(state.programme.id);
    status(t("participants_added"));
  } catch (error) {
    status(error.message, true);
  }
}

async function addMentor(event) {
  event.preventDefault();
  try {
    const occupation = await occupationUri($("mentor-occupation").value.trim());
    const body = { programme_id: state.programme.id, name: $("mentor-name").value,
                   municipality: $("mentor-municipality").value, capacity: Number($("mentor-capacity").value),
                   languages: $("mentor-languages").value.split(/[\s,]+/).filter(Boolean),
                   occupations: occupation ? [occupation] : [], text: $("mentor-text").value };
    await sendJson("/mentors", body);
    const shown = state.suggestions && state.suggestions.cvId;
    await openProgramme(state.programme.id);
    if (shown) await loadSuggestions(shown);
    status(t("mentor_added"));
  } catch (error) {
    status(error.message, true);
  }
}

async function recordPlacement(event) {
  event.preventDefault();
  try {
    const body = { cv_id: Number($("placement-cv").value), kind: $("placement-kind").value,
                   employer: $("placement-employer").value, start: $("placement-start").value,
                   end: $("placement-end").value || null,
                   occupation: await occupationUri($("placement-occupation").value.trim()) };
    await sendJson("/placements", body);
    state.outcomes = await api(`/programmes/${state.programme.id}/outcomes`);
    renderOutcomes();
    await loadPlot();
    status(t("recorded"));
  } catch (error) {
    status(error.message, true);
  }
}

async function fetchBlob(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${state.token}` } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

async function loadPlot() {
  try {
    $("outcome-plot").src = await fetchBlob(`/programmes/${state.programme.id}/outcomes.svg?lang=${state.lang}`);
    $("outcome-plot").hidden = false;
  } catch (error) {
    status(error.message, true);
  }
}

async function downloadCsv() {
  try {
    const link = el("a", { href: await fetchBlob(`/programmes/${state.programme.id}/outcomes.csv`),
                           download: `programme-${state.programme.id}-outcomes.csv` });
    document.body.append(link);
    link.click();
    link.remove();
  } catch (error) {
    status(error.message, true);
  }
}

let suggestTimer = null;
function suggest() {
  clearTimeout(suggestTimer);
  const q = $("skill-query").value.trim();
  if (q.length < 2) return;
  suggestTimer = setTimeout(async () => {
    const hits = await api(`/taxonomy/skills?q=${encodeURIComponent(q)}&limit=10`);
    $("skill-options").replaceChildren(...hits.map((h) => {
      const text = h.matched;
      state.skillUris[text] = h.uri;
      return el("option", { value: text }, label(h));
    }));
  }, 150);
}

async function search(event) {
  event.preventDefault();
  const q = $("skill-query").value.trim();
  let uri = state.skillUris[q];
  if (!uri) {
    const hits = await api(`/taxonomy/skills?q=${encodeURIComponent(q)}&limit=1`);
    if (!hits.length) { status(`? ${q}`, true); return; }
    uri = hits[0].uri;
  }
  await showCandidates(`/candidates?skill=${encodeURIComponent(uri)}`, q);
}

$("programme-select").addEventListener("change", () => openProgramme(Number($("programme-select").value)));
$("run-assignment").addEventListener("click", runAssignment);
$("outcomes-csv").addEventListener("click", downloadCsv);
$("placement-occupation").addEventListener("input", () => suggestOccupations("placement-occupation"));
$("mentor-occupation").addEventListener("input", () => suggestOccupations("mentor-occupation"));
$("participants-form").addEventListener("submit", addParticipants);
$("mentor-form").addEventListener("submit", addMentor);
$("placement-form").addEventListener("submit", recordPlacement);
$("lang-sv").addEventListener("click", () => setLang("sv"));
$("lang-en").addEventListener("click", () => setLang("en"));
$("login-form").addEventListener("submit", login);
$("upload-form").addEventListener("submit", upload);
$("match-kind").addEventListener("change", () => state.cv && loadMatches());
$("delete-cv").addEventListener("click", deleteCv);
$("profile-consent").addEventListener("change", setConsent);
$("ad-form").addEventListener("submit", postAd);
$("skill-query").addEventListener("input", suggest);
$("search-form").addEventListener("submit", search);
setLang(new URLSearchParams(location.search).get("lang") === "en" ? "en" : "sv");
