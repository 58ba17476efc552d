// Region picker of the incident report forms: province → kab/kota → kecamatan → desa/kelurahan.
// The province select narrows the kab/kota select (options carry data-province); the kecamatan
// and desa/kelurahan fields get a searchable list of names ("Kec. Cibinong (32.01.01)") from
// /wilayah/anak/<parent>/ (JSON, cached by the browser and here). No library, no inline code.
// Without this script the form still works: every field takes a name or a code, checked by the
// server against the region registry.
(function () {
  "use strict";
  var form = document.querySelector("form[data-region-picker]");
  if (!form || !window.fetch) { return; }
  var pick = function (level) { return form.querySelector("[data-region-level='" + level + "']"); };
  var province = pick(1), regency = pick(2), district = pick(3), village = pick(4);
  if (!regency || !district || !village) { return; }
  var url = form.getAttribute("data-children-url");
  var edition = form.getAttribute("data-region-edition") || "current";
  var text = function (name) { return form.getAttribute("data-text-" + name) || ""; };
  var answers = {};  // parent code → the endpoint's answer
  var items = {district: [], village: []};
  var allRegencies = Array.prototype.map.call(regency.options, function (o) { return o.cloneNode(true); });

  function note(input) {
    var id = input.id + "-picker";
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement("small");
      el.id = id;
      el.className = "picker-status";
      el.setAttribute("aria-live", "polite");
      input.parentNode.insertBefore(el, input.nextSibling);
      input.setAttribute("aria-describedby", id);
    }
    return el;
  }

  function listOf(input, id) {
    var list = document.getElementById(id);
    if (!list) {
      list = document.createElement("datalist");
      list.id = id;
      input.parentNode.appendChild(list);
      input.setAttribute("list", id);
    }
    return list;
  }

  // The code a field's value stands for: a picker label, a code, or a name of the list.
  function codeOf(value, choices) {
    var labelled = /\(\s*(\d[\d.]*)\s*\)\s*$/.exec(value);
    if (labelled) { return labelled[1]; }
    var v = value.trim().toLowerCase();
    if (!v) { return ""; }
    for (var i = 0; i < choices.length; i++) {
      var c = choices[i];
      if (c.code === v || c.name.toLowerCase() === v || c.label.toLowerCase() === v) { return c.code; }
    }
    return /^\d{2}(\.\d+)+$/.test(v) ? v : "";
  }

  function regencyCode() {
    var o = regency.options[regency.selectedIndex];
    return o ? (o.getAttribute("data-code") || "") : "";
  }

  function load(code, then) {
    if (answers[code]) { then(answers[code]); return; }
    var address = url.replace("KODE", encodeURIComponent(code)) + "?edisi=" + encodeURIComponent(edition);
    fetch(address, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) { answers[code] = data; then(data); })
      .catch(function () { then(null); });
  }

  // Fill the searchable list of ``input`` (key: district or village) with the children of
  // ``code``; "" empties it and says what to choose first.
  function fill(input, key, code, before) {
    var list = listOf(input, input.id + "-list");
    var status = note(input);
    list.textContent = "";
    items[key] = [];
    input.setAttribute("data-parent", code);
    if (!code) { status.textContent = text(before); return; }
    status.textContent = text("loading");
    load(code, function (data) {
      if (input.getAttribute("data-parent") !== code) { return; }  // a later choice won
      if (!data) { status.textContent = text("failed"); return; }
      items[key] = data.items;
      data.items.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.label;
        list.appendChild(option);
      });
      status.textContent = text("count").replace("{n}", data.count)
        .replace("{level}", data.level_name).replace("{parent}", data.parent.name);
      if (key === "district") { districtChanged(); }
    });
  }

  function outside(input, key, parent) {
    var code = codeOf(input.value, items[key]);
    return parent && code && code.indexOf(parent + ".") !== 0;
  }

  function districtChanged() {
    var code = codeOf(district.value, items.district);
    var parent = regencyCode();
    if (code && parent && code.indexOf(parent + ".") !== 0) { code = ""; }
    if (outside(village, "village", code)) { village.value = ""; }
    if (code !== village.getAttribute("data-parent")) { fill(village, "village", code, "district-first"); }
  }

  function regencyChanged() {
    var code = regencyCode();
    if (outside(district, "district", code)) { district.value = ""; }
    if (outside(village, "village", code)) { village.value = ""; }
    if (code !== district.getAttribute("data-parent")) { fill(district, "district", code, "regency-first"); }
    districtChanged();
  }

  function provinceChanged() {
    var o = province.options[province.selectedIndex];
    var chosen = o ? (o.getAttribute("data-province") || "") : "";
    var current = regency.value;
    while (regency.options.length) { regency.remove(0); }
    allRegencies.forEach(function (option) {
      var p = option.getAttribute("data-province");
      if (!p || !chosen || p === chosen) { regency.add(option.cloneNode(true)); }
    });
    regency.value = current;
    if (regency.value !== current || regency.selectedIndex < 0) { regency.selectedIndex = 0; }
    regencyChanged();
  }

  if (province) { province.addEventListener("change", provinceChanged); }
  regency.addEventListener("change", regencyChanged);
  district.addEventListener("input", districtChanged);
  district.addEventListener("change", districtChanged);
  if (province && province.value) { provinceChanged(); } else { regencyChanged(); }
})();
