// GraphiQL at GET /graphql in development, from the vendored files (no CDN, so it works
// offline and under the strict Content-Security-Policy). Adapted from Strawberry's page.
(function () {
  "use strict";

  var EXAMPLE_QUERY = [
    "# motcua's GraphQL API: Ctrl-Enter runs the query,",
    "# Ctrl-Space completes.",
    "#",
    "# Signed-in queries need a token; in development:",
    "#   motcua token --role officer:reception \\",
    "#     --agency <agency code>",
    "# then, in the Headers tab below:",
    '#   {"Authorization": "Bearer <token>"}',
    "",
    "{",
    "  agencies {",
    "    code",
    "    name",
    "  }",
    "}",
    "",
  ].join("\n");

  // The editors' contents live in the address, so a query can be shared as a link.
  var parameters = {};
  window.location.search
    .slice(1)
    .split("&")
    .forEach(function (entry) {
      var eq = entry.indexOf("=");
      if (eq >= 0) {
        parameters[decodeURIComponent(entry.slice(0, eq))] = decodeURIComponent(entry.slice(eq + 1));
      }
    });

  function updateURL(data) {
    Object.assign(parameters, data);
    var search = Object.keys(parameters)
      .filter(function (key) {
        return Boolean(parameters[key]);
      })
      .map(function (key) {
        return encodeURIComponent(key) + "=" + encodeURIComponent(parameters[key]);
      })
      .join("&");
    history.replaceState(null, "", "?" + search);
  }

  var fetchURL = window.location.href.split("?")[0].split("#")[0];
  var socketURL = new URL(fetchURL);
  socketURL.protocol = socketURL.protocol === "http:" ? "ws:" : "wss:";

  var fetcher = GraphiQL.createFetcher({ url: fetchURL, subscriptionUrl: socketURL.toString() });
  var explorer = GraphiQLPluginExplorer.explorerPlugin();

  function Page() {
    var query = React.useState(parameters.q || EXAMPLE_QUERY);
    var variables = React.useState(parameters.variables);
    var headers = React.useState(parameters.headers);
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      plugins: [explorer],
      query: query[0],
      variables: variables[0],
      headers: headers[0],
      onEditQuery: function (value) {
        query[1](value);
        updateURL({ q: value });
      },
      onEditVariables: function (value) {
        variables[1](value);
        updateURL({ variables: value });
      },
      // Headers carry tokens: kept in the browser's storage, never in the address.
      onEditHeaders: function (value) {
        headers[1](value);
      },
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(Page));
})();
