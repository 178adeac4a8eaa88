"""LSP conformance: pytest-lsp drives the real `iam-lsp` binary with the recorded client
capabilities of VS Code, Neovim 0.11 and Emacs, and checks every message the server sends
against the LSP specification (an `LspSpecificationWarning` is an error, see pytest.ini).

    IAM_LSP=target/release/iam-lsp pytest tests/conformance
"""

import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = pathlib.Path(__file__).resolve().parents[2]
SERVER = os.environ.get("IAM_LSP", str(REPO / "target" / "release" / "iam-lsp"))
POLICY = (REPO / "tests" / "fixtures" / "bedrock" / "chatbot-agent-policy.json").read_text()
URI = "file:///work/chatbot-agent-policy.json"


@pytest_lsp.fixture(
    params=["visual-studio-code", "neovim@v0.11.0", "emacs"],
    config=ClientServerConfig(server_command=[SERVER]),
)
async def client(request, lsp_client: LanguageClient):
    # The server asks clients that can watch files to watch `.iam-lsp.toml`; accept it.
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams):
        return None

    result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities(request.param), root_uri="file:///work")
    )
    # Clients that pull diagnostics (VS Code, Neovim) get them on request, others pushed.
    lsp_client.pulls_diagnostics = result.capabilities.diagnostic_provider is not None
    yield
    await lsp_client.shutdown_session()


async def current_diagnostics(client: LanguageClient) -> list:
    """The diagnostics of the document's latest version, pulled or pushed as the server chose."""
    if client.pulls_diagnostics:
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI))
        )
        assert report.kind == "full"
        return report.items
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[URI]


def position(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


async def test_every_feature_answers_within_the_specification(client: LanguageClient):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=URI, language_id="json", version=1, text=POLICY)
        )
    )
    diagnostics = await current_diagnostics(client)
    codes = sorted(d.code for d in diagnostics)
    assert "unknown-action" in codes and "json-comment" in codes

    document = types.TextDocumentIdentifier(uri=URI)
    # Line 20 is `"Action": ["bedrock:Converse", "bedrock:InvokeModel"],`.
    hover = await client.text_document_hover_async(types.HoverParams(text_document=document, position=position(19, 50)))
    assert hover is not None and "InvokeModel" in hover.contents.value

    completion = await client.text_document_completion_async(
        types.CompletionParams(text_document=document, position=position(19, 50))
    )
    assert completion is not None and any(i.label == "bedrock:InvokeModel" for i in completion.items)

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=document,
            range=types.Range(start=position(19, 30), end=position(19, 30)),
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    # `bedrock:Converse` is authorised by `bedrock:InvokeModel`, which the list has already.
    removal = "Remove `bedrock:Converse` (`bedrock:InvokeModel` is already listed)"
    assert actions and any(a.title == removal for a in actions)

    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=document))
    assert symbols and symbols[0].name == "InvokeTheAgent"
    assert await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=document))
    assert await client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=document, positions=[position(19, 30)])
    )
    await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=document, range=types.Range(start=position(0, 0), end=position(25, 0)))
    )
    tokens = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=document))
    assert tokens is not None and len(tokens.data) % 5 == 0


async def test_incremental_edits_publish_the_latest_version(client: LanguageClient):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=URI, language_id="json", version=1, text=POLICY)
        )
    )
    await current_diagnostics(client)
    # Fix `bedrock:Converse` (line 20, columns 27-35) by an incremental edit.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=position(19, 26), end=position(19, 34)), text="InvokeModelWithResponseStream"
                )
            ],
        )
    )
    lines = [d.range.start.line for d in await current_diagnostics(client) if d.code == "unknown-action"]
    assert 19 not in lines, lines
