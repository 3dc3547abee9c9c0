//! Constructs real-world specs use that once stopped generation or
//! compilation (issue 13), exercised on their fixtures: names generated code
//! reserves, discriminators members do not honour, deep type graphs, crate
//! names from any file name, references beyond one file.

use std::path::{Path, PathBuf};

use codegen::emit::CrateNames;
use codegen::SpecInput;
use serde_json::json;

use super::client::{reply, Server};
use crate::client_fixtures::generated::names_reserved_locals as reserved;
use crate::fixtures::generated::discriminator_fallback as fallback;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

fn input(path: &Path, crates: CrateNames) -> SpecInput {
    SpecInput {
        file: path.file_name().unwrap().to_string_lossy().into_owned(),
        bytes: std::fs::read(path).unwrap(),
        overlays: Vec::new(),
        crates,
    }
}

fn options(path: &Path) -> codegen::LoadOptions {
    codegen::LoadOptions { base_dir: path.parent().map(Path::to_path_buf), allow_outside: false }
}

#[test]
fn discriminator_without_a_readable_tag_falls_back_to_untagged() {
    let cases = [
        // A string tag decides, as in a strictly tagged union.
        (json!({"petType": "Cat", "meow": true}), "Cat"),
        (json!({"petType": "Lizard", "scales": 3}), "Lizard"),
        (json!({"petType": "Bird", "wings": 2}), "Bird"),
        // No tag: the first member that accepts the object.
        (json!({"bark": true}), "Dog"),
        (json!({"scales": 1}), "Lizard"),
        // A tag that is not a string (the member declares it an integer).
        (json!({"petType": 7, "fins": 2}), "Fish"),
        // An unknown tag, or nothing fits: kept as JSON.
        (json!({"petType": "Snake"}), "Unknown"),
        (json!({"nothing": "fits"}), "Unknown"),
    ];
    for (value, want) in cases {
        let pet: fallback::Pet = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"));
        let got = match &pet {
            fallback::Pet::Cat(_) => "Cat",
            fallback::Pet::Dog(_) => "Dog",
            fallback::Pet::Lizard(_) => "Lizard",
            fallback::Pet::Fish(_) => "Fish",
            fallback::Pet::Bird(_) => "Bird",
            fallback::Pet::Unknown(_) => "Unknown",
        };
        assert_eq!(got, want, "{value}");
    }
    // Members that all honour the tag stay strict: a value without one is refused.
    let err = serde_json::from_value::<fallback::Sound>(json!({"meow": true})).unwrap_err();
    assert!(err.to_string().contains("missing discriminator `petType`"), "{err}");
    let ok: fallback::Sound = serde_json::from_value(json!({"petType": "Cat", "meow": false})).unwrap();
    assert!(matches!(ok, fallback::Sound::Cat(_)));
}

#[tokio::test]
async fn parameters_named_like_the_method_locals_reach_the_server() {
    let server = Server::start().await;
    let client = reserved::Client::builder().base_url(&server.base).build().unwrap();
    server.push(reply(200, json!({"status": "ok"})));
    let body = reserved::types::Request { query: Some("in-body".into()), ..Default::default() };
    let params = reserved::QueryParams { client: Some("c".into()), input: Some("i".into()) };
    let response = client
        .query("r", &5, &body, "q", "h", "req", &7, "b", "p", "op", "rt", "ty", "vv", "ee", params)
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let seen = &server.seen()[0];
    assert_eq!(seen.path, "/things/r/5");
    let query: Vec<(String, String)> =
        form_urlencoded::parse(seen.query.as_deref().unwrap_or("").as_bytes()).into_owned().collect();
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    for (k, v) in [
        ("query", "q"),
        ("headers", "h"),
        ("status", "7"),
        ("body", "b"),
        ("params", "p"),
        ("OP", "op"),
        ("runtime", "rt"),
        ("types", "ty"),
        ("v", "vv"),
        ("client", "c"),
        ("input", "i"),
    ] {
        assert_eq!(get(k), Some(v), "query parameter `{k}` in {query:?}");
    }
    assert_eq!(seen.headers["request"], "req");
    assert_eq!(seen.headers["cookie"], "e=ee");
    let sent: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(sent, json!({"query": "in-body"}));
}

/// The test binary's `recursion_limit` (main.rs) must cover what every
/// fixture's crates ask for, and the limit must follow the type graph.
#[test]
fn recursion_limit_covers_fixtures() {
    let dir = fixture("valid");
    let mut asked = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if !matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "json")) {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let (api, ..) = codegen::load_api_with(&input(&path, CrateNames::from_stem(&stem)), &options(&path)).unwrap();
        if let Some(n) = codegen::emit::types::recursion_limit(&api) {
            asked.push((stem, n));
        }
    }
    assert!(asked.iter().all(|(_, n)| *n <= 1024), "{asked:?}");
    // Only the deep cycle needs more than the default.
    assert_eq!(asked.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), ["cycle-deep"], "{asked:?}");
}

#[test]
fn crate_names_come_from_any_file_name() {
    let path = fixture("valid/behaviour.yaml");
    let mut spec = input(&path, CrateNames::from_stem("oai-petstore-3.0"));
    spec.file = "oai-petstore-3.0.yaml".into();
    let out = codegen::generate(&spec).unwrap();
    let dirs: std::collections::BTreeSet<String> = out
        .files
        .iter()
        .map(|f| f.path.components().next().unwrap().as_os_str().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        dirs.into_iter().collect::<Vec<_>>(),
        ["oai-petstore-3-0-client", "oai-petstore-3-0-server", "oai-petstore-3-0-types"]
    );
    let client_lib = out.files.iter().find(|f| f.path.ends_with("oai-petstore-3-0-client/src/lib.rs")).unwrap();
    assert!(client_lib.contents.contains("pub use ::oai_petstore_3_0_types as types;"));
    // A name the user chose is checked, not silently changed.
    let err = CrateNames::from_name("Pet.Store").unwrap_err();
    assert!(err.contains("`pet-store`"), "{err}");
    // Names given whole (a manifest's) are checked before anything is generated.
    spec.crates.types = "bad name".into();
    assert!(matches!(codegen::generate(&spec), Err(codegen::Error::CrateNames(_))));
}

#[test]
fn external_references_are_read_beside_the_document_only() {
    let path = fixture("valid/refs-external.yaml");
    let spec = input(&path, CrateNames::from_stem("refs-external"));
    let out = codegen::generate_with(&spec, &options(&path)).unwrap();
    let mut names: Vec<&str> = out.api.types.iter().map(|t| t.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["Address", "Kennel", "Owner", "Owner2", "Pet", "PetId", "Problem"]);
    // Without a directory, other files cannot be read: an error, not a guess.
    let Err(codegen::Error::Spec(d)) = codegen::generate(&spec) else { panic!("generated without the files") };
    assert!(d.to_string().contains("the document was not read from a file"), "{d}");
    // Outside the document's tree only when allowed.
    let path = fixture("invalid/external-ref.yaml");
    let spec = input(&path, CrateNames::from_stem("external-ref"));
    let allow = codegen::LoadOptions { allow_outside: true, ..options(&path) };
    let Err(codegen::Error::Spec(d)) = codegen::generate_with(&spec, &allow) else {
        panic!("invalid fixture generated")
    };
    let text = d.to_string();
    assert!(!text.contains("leaves the document's directory"), "{text}");
    assert!(text.contains("pet.yaml"), "{text}");
}
