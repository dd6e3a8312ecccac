import Hummingbird

/// The page `GET /graphql` serves without a query: one self-contained HTML document (inline
/// CSS and JavaScript, no external scripts, styles or fonts) so it works with no network.
/// It POSTs to the path it was loaded from, which keeps it working behind a path-rewriting proxy.
enum PlaygroundPage {
    static func response() -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>demo-graphql playground</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
          header { padding: 10px 16px; background: #1d2330; color: #fff; display: flex; gap: 12px; align-items: center; }
          header h1 { font-size: 16px; margin: 0; flex: 1; }
          main { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; padding: 12px 16px; }
          label { font-size: 12px; font-weight: 600; display: block; margin-bottom: 4px; }
          textarea, pre { width: 100%; box-sizing: border-box; font: 13px/1.4 ui-monospace, monospace;
            border: 1px solid #c9ced8; border-radius: 6px; padding: 8px; background: #fff; margin: 0; }
          #query { height: 320px; } #variables { height: 110px; }
          pre { height: 466px; overflow: auto; white-space: pre-wrap; }
          button { font-size: 14px; padding: 6px 18px; border: 0; border-radius: 6px; background: #e535ab;
            color: #fff; cursor: pointer; }
          #status { font-size: 12px; }
        </style>
        </head>
        <body>
        <header><h1>demo-graphql playground</h1><span id="status"></span>
          <button id="run" title="Ctrl+Enter">Run</button></header>
        <main>
          <section>
            <label for="query">Query</label>
            <textarea id="query" spellcheck="false">{
          users(limit: 2) {
            id
            name
            posts {
              title
              comments { body author { name } }
            }
          }
        }</textarea>
            <label for="variables">Variables (JSON)</label>
            <textarea id="variables" spellcheck="false">{}</textarea>
          </section>
          <section>
            <label for="result">Result</label>
            <pre id="result"></pre>
          </section>
        </main>
        <script>
          const $ = (id) => document.getElementById(id);
          async function run() {
            let variables = {};
            const text = $("variables").value.trim();
            if (text) {
              try { variables = JSON.parse(text); }
              catch (e) { $("result").textContent = "Variables are not JSON: " + e.message; return; }
            }
            $("status").textContent = "running…";
            try {
              const response = await fetch(window.location.pathname, {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ query: $("query").value, variables: variables })
              });
              const body = await response.text();
              let shown = body;
              try { shown = JSON.stringify(JSON.parse(body), null, 2); } catch (e) {}
              $("result").textContent = shown;
              $("status").textContent = response.status + " from " + (response.headers.get("x-backend-instance") || "?");
            } catch (e) {
              $("result").textContent = "Request failed: " + e.message;
              $("status").textContent = "";
            }
          }
          $("run").addEventListener("click", run);
          document.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(); });
        </script>
        </body>
        </html>
        """
}
