// The job page follows its job's progress (loaded only while the job runs).
(function () {
  var box = document.getElementById("job-progress");
  if (!box || !window.fetch) { return; }
  var el = function (id) { return document.getElementById(id); };
  function show(j) {
    box.setAttribute("data-status", j.status);
    box.setAttribute("data-progress", j.progress);
    el("job-progress-bar").value = j.progress;
    el("job-percent").textContent = j.progress;
    el("job-status-label").textContent = j.status_label;
    el("job-message").textContent = j.message;
    el("job-message").className = j.status === "failed" ? "error" : "";
    el("job-waiting").hidden = j.status !== "queued";
    if (j.url) { el("job-link").href = j.url; el("job-result").hidden = false; }
    if (j.status === "failed") { el("job-failed").hidden = false; }
    if (j.finished) { el("job-refresh").hidden = true; }
  }
  function tick() {
    fetch(box.getAttribute("data-url"), {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (j) {
        show(j);
        if (!j.finished) { window.setTimeout(tick, 1000); }
        else if (box.getAttribute("data-reload") && j.status === "done") { window.location.reload(); }
        else if (j.url) { el("job-link").focus(); }
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 1000);
})();
