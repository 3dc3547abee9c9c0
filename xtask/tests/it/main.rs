//! `cargo xtask` run as a user runs it, on scratch workspaces (`--root`):
//! `specs update` from a file and from a loopback HTTP server.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const BASE: &str = r#"openapi: 3.0.3
info: {title: demo, version: '1'}
paths:
  /configs/get:
    post:
      operationId: getConfig
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/ConfigRead'}}}
components:
  schemas:
    ConfigRead:
      type: object
      required: [id, sourceId]
      properties:
        id: {type: string}
        sourceId: {type: string}
    Legacy: {type: object, properties: {a: {type: string}}}
"#;

/// Renames a required response property (an error) and drops `Legacy`, which
/// the overlay patches: that action no longer applies.
const BREAKING: &str = r#"openapi: 3.0.3
info: {title: demo, version: '2'}
paths:
  /configs/get:
    post:
      operationId: getConfig
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/ConfigRead'}}}
components:
  schemas:
    ConfigRead:
      type: object
      required: [id, actorId]
      properties:
        id: {type: string}
        actorId: {type: string}
"#;

const OVERLAY: &str = r#"overlay: 1.0.0
info: {title: demo fixes, version: '1'}
actions:
  - target: $.components.schemas.Legacy
    description: Legacy needs a description
    update: {description: legacy}
"#;

const MANIFEST: &str = r#"# Demo manifest: comments and layout must survive an update.
[[spec]]
name = "demo"
title = "Demo"
file = "demo.yaml"
sha256 = "SHA"   # pinned by hand
overlays = ["demo.overlay.yaml"]

[spec.upstream]
repository = "o/r"
path = "api.yaml"
commit = "1111111111111111111111111111111111111111"

[spec.crates]
types = "demo-types"
client = "demo-client"
server = "demo-server"
"#;

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(tag: &str) -> (Scratch, PathBuf) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("xtask-it-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ws = dir.join("ws");
    std::fs::create_dir_all(ws.join("specs")).unwrap();
    std::fs::create_dir_all(ws.join("generated")).unwrap();
    std::fs::write(ws.join("specs/demo.yaml"), BASE).unwrap();
    std::fs::write(ws.join("specs/demo.overlay.yaml"), OVERLAY).unwrap();
    std::fs::write(ws.join("specs/manifest.toml"), MANIFEST.replace("SHA", &sha256(BASE.as_bytes()))).unwrap();
    (Scratch(dir), ws)
}

fn sha256(bytes: &[u8]) -> String {
    codegen::manifest::sha256_hex(bytes)
}

fn xtask(ws: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("--root").arg(ws).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Serve `body` to one GET on a loopback port; the thread ends after it.
fn serve_once(body: &'static str) -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/specs/demo.yaml", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = conn.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buf[..n]);
        }
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/yaml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        conn.write_all(head.as_bytes()).unwrap();
        conn.write_all(body.as_bytes()).unwrap();
        String::from_utf8_lossy(&request).lines().next().unwrap_or("").to_string()
    });
    (url, handle)
}

#[test]
fn specs_update_from_a_loopback_url_reports_errors_and_stale_overlays() {
    let (_guard, ws) = scratch("url");
    let (url, server) = serve_once(BREAKING);
    let commit = "2222222222222222222222222222222222222222";
    let (code, body, err) = xtask(&ws, &["specs", "update", "demo", "--from", &url, "--commit", commit]);
    assert_eq!(server.join().unwrap(), "GET /specs/demo.yaml HTTP/1.1");
    // An unacknowledged error (and a stale overlay action) fail the run.
    assert_eq!(code, 1, "stderr:\n{err}\nstdout:\n{body}");
    for needle in [
        "# Update `demo` spec",
        &format!("- source: `{url}`"),
        "| `demo-types` | **major** |",
        "demo.overlay.yaml",
        "Not regenerated",
        "response-property-renamed",
        "surface/demo/types-c.snap` (changed)",
    ] {
        assert!(body.contains(needle), "no `{needle}` in:\n{body}");
    }
    // Stored where the resolver looks first, and pinned.
    assert_eq!(std::fs::read_to_string(ws.join("specs/demo.yaml")).unwrap(), BREAKING);
    let manifest = std::fs::read_to_string(ws.join("specs/manifest.toml")).unwrap();
    let expected = MANIFEST
        .replace("SHA", &sha256(BREAKING.as_bytes()))
        .replace("1111111111111111111111111111111111111111", commit);
    assert_eq!(manifest, expected, "only the pin lines change");
}

#[test]
fn specs_update_from_a_file_regenerates() {
    let (_guard, ws) = scratch("file");
    // An additive change: a new optional property; the overlay still applies.
    let head = BASE.replace(
        "        sourceId: {type: string}\n",
        "        sourceId: {type: string}\n        note: {type: string}\n",
    );
    let file = ws.parent().unwrap().join("new.yaml");
    std::fs::write(&file, &head).unwrap();
    let (code, body, err) = xtask(&ws, &["specs", "update", "demo", "--from", file.to_str().unwrap()]);
    assert_eq!(code, 0, "stderr:\n{err}\nstdout:\n{body}");
    assert!(body.contains("None: every overlay action still matches."), "{body}");
    assert!(body.contains("generated/demo-types/src/"), "{body}");
    assert!(ws.join("generated/demo-types/Cargo.toml").is_file());
    let manifest = std::fs::read_to_string(ws.join("specs/manifest.toml")).unwrap();
    assert!(manifest.contains(&format!("sha256 = \"{}\"   # pinned by hand", sha256(head.as_bytes()))), "{manifest}");
    assert!(manifest.contains("commit = \"1111111111111111111111111111111111111111\""));
    // The same bytes again: nothing to do.
    let (code, _, err) = xtask(&ws, &["specs", "update", "demo", "--from", file.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(err.contains("nothing to do"), "{err}");
}

#[test]
fn specs_update_refuses_bytes_that_do_not_parse() {
    let (_guard, ws) = scratch("bad");
    let file = ws.parent().unwrap().join("broken.yaml");
    std::fs::write(&file, "openapi: 3.0.3\ninfo: [unclosed\n").unwrap();
    let before = std::fs::read_to_string(ws.join("specs/manifest.toml")).unwrap();
    let (code, _, err) = xtask(&ws, &["specs", "update", "demo", "--from", file.to_str().unwrap()]);
    assert_eq!(code, 3, "{err}");
    assert_eq!(std::fs::read_to_string(ws.join("specs/manifest.toml")).unwrap(), before);
    assert_eq!(std::fs::read_to_string(ws.join("specs/demo.yaml")).unwrap(), BASE);
    // Usage errors are 2.
    assert_eq!(xtask(&ws, &["specs", "update", "demo"]).0, 2);
    assert_eq!(xtask(&ws, &["specs", "update", "demo", "--from", "x", "--commit", "zz"]).0, 2);
}
