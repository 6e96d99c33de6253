namespace FirmwareGate.Core.Reports;

/// <summary>The page's inline style and script: no file, font or URL is loaded from anywhere.</summary>
internal static class HtmlAssets
{
    /// <summary>Forbids every fetch; only the inline style and script run.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

    public const string Style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
        main{max-width:1200px;margin:0 auto;padding:0 16px 48px}
        header.verdict{padding:18px 24px;color:#fff}
        header.verdict h1{margin:0;font-size:28px;letter-spacing:.04em}
        header.verdict p{margin:4px 0 0}
        .pass{background:#1a7f37}.fail{background:#cf222e}.incomplete{background:#9a6700}
        section{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:16px 0;padding:12px 16px}
        h2{font-size:18px;margin:4px 0 10px}
        .cards{display:flex;flex-wrap:wrap;gap:12px}
        .card{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;min-width:110px}
        .card b{display:block;font-size:22px}
        .charts{display:flex;flex-wrap:wrap;gap:24px}
        figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
        svg text{font-size:12px;fill:#1f2328}
        .critical{fill:#8b0000}.high{fill:#cf222e}.medium{fill:#bc4c00}.low{fill:#9a6700}.none,.unknown{fill:#6e7781}.met{fill:#1a7f37}.missing{fill:#eaeef2}
        table{border-collapse:collapse;width:100%;font-size:13px}
        th,td{border-bottom:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top;word-break:break-word}
        th{cursor:pointer;background:#f6f8fa;user-select:none;white-space:nowrap}
        th[data-dir=asc]::after{content:" \25B2"}th[data-dir=desc]::after{content:" \25BC"}
        tr.failing td:first-child{border-left:4px solid #cf222e}
        .filter{margin:0 8px 8px 0;padding:4px 8px;width:280px;border:1px solid #d0d7de;border-radius:6px}
        .shown{color:#57606a}
        ul.tree{list-style:none;padding-left:18px;margin:0}ul.tree li{margin:2px 0}
        .muted{color:#57606a}.warn{color:#9a6700}
        """;

    /// <summary>Per table: a filter box, click-to-sort headers, and the count of rows shown ("3 of 12 rows").</summary>
    public const string Script = """
        (function () {
          function text(cell) { return cell ? cell.textContent.trim() : ""; }
          function key(cell) {
            var v = cell ? cell.getAttribute("data-sort") : null;
            return v !== null ? v : text(cell);
          }
          function compare(a, b) {
            var x = parseFloat(a), y = parseFloat(b);
            if (!isNaN(x) && !isNaN(y) && String(x) === a && String(y) === b) { return x - y; }
            return a < b ? -1 : a > b ? 1 : 0;
          }
          document.querySelectorAll("table.data").forEach(function (table) {
            var body = table.tBodies[0];
            var rows = Array.prototype.slice.call(body.rows);
            var shown = document.getElementById(table.id + "-shown");
            var filter = document.getElementById(table.id + "-filter");
            function update() {
              var q = filter ? filter.value.toLowerCase() : "";
              var n = 0;
              rows.forEach(function (row) {
                var hit = q === "" || row.textContent.toLowerCase().indexOf(q) >= 0;
                row.hidden = !hit;
                if (hit) { n++; }
              });
              if (shown) { shown.textContent = n + " of " + rows.length + " rows"; }
              table.setAttribute("data-shown", String(n));
            }
            table.querySelectorAll("th").forEach(function (th, index) {
              th.addEventListener("click", function () {
                var dir = th.getAttribute("data-dir") === "asc" ? "desc" : "asc";
                table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("data-dir"); });
                th.setAttribute("data-dir", dir);
                rows.sort(function (a, b) {
                  var r = compare(key(a.cells[index]), key(b.cells[index]));
                  return dir === "asc" ? r : -r;
                });
                rows.forEach(function (row) { body.appendChild(row); });
              });
            });
            if (filter) { filter.addEventListener("input", update); }
            update();
          });
          document.body.setAttribute("data-ready", "true");
        })();
        """;
}
