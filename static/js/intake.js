/* Staff intake: suggestions from the project registry as the user types (the field also takes a code typed in
   full). The list names its input and the search URL in data attributes (no inline script: CSP). */
(function () {
  var list = document.getElementById("project-options");
  if (!list || !window.fetch) { return; }
  var input = document.getElementById(list.dataset.input);
  var url = list.dataset.url;
  var timer = null, last = "";
  if (!input || !url) { return; }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) { return; }
      last = q;
      fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) {
          list.textContent = "";
          data.results.forEach(function (p) {
            var option = document.createElement("option");
            option.value = p.code;
            option.label = p.name + " · " + p.district;
            option.textContent = p.name + " · " + p.district;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
})();
