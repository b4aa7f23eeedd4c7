// Small conveniences for the staff workspaces; every page works without them.
(function () {
  "use strict";
  // "Select all" on the triage queue: the checkbox stays hidden when scripts do not run.
  document.querySelectorAll("input.select-all").forEach(function (master) {
    var name = master.getAttribute("data-target");
    var boxes = document.querySelectorAll('input[type=checkbox][name="' + name + '"]');
    if (!boxes.length) { return; }
    master.hidden = false;
    master.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = master.checked; });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var all = true;
        boxes.forEach(function (b) { all = all && b.checked; });
        master.checked = all;
      });
    });
  });
})();
