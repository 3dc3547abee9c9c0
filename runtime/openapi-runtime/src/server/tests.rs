//! The server runtime driven by a small hand-written spec: validation, the
//! fast JSON path, status choice, error bodies, the router and the mock, over
//! real HTTP on loopback.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::schema::{check_response, valid_json, validate, Check, Field, Kind, Pattern, Ty, TypeDef};
use super::*;

static NAME: Check = Check {
    minimum: None,
    exclusive_minimum: false,
    maximum: None,
    exclusive_maximum: false,
    multiple_of: None,
    min_length: Some(2),
    max_length: None,
    pattern: Some(0),
    format: None,
    min_items: None,
    max_items: None,
    unique_items: false,
    min_properties: None,
    max_properties: None,
    closed: false,
    values: &[],
    sample: Some("rex"),
};

/// Keywords of the one-pass tests: none but what each names.
const NONE: Check = Check {
    minimum: None,
    exclusive_minimum: false,
    maximum: None,
    exclusive_maximum: false,
    multiple_of: None,
    min_length: None,
    max_length: None,
    pattern: None,
    format: None,
    min_items: None,
    max_items: None,
    unique_items: false,
    min_properties: None,
    max_properties: None,
    closed: false,
    values: &[],
    sample: None,
};
static FEW: Check = Check { max_items: Some(2), ..NONE };
static POSITIVE: Check = Check { minimum: Some(0.0), ..NONE };
static CLOSED: Check = Check { closed: true, max_properties: Some(7), ..NONE };

static TYPES: &[TypeDef] = &[
    TypeDef {
        name: "Pet",
        kind: Kind::Struct {
            fields: &[
                Field { wire: "name", ty: Ty::Checked(&Ty::String, &NAME), required: true, nullable: false },
                Field { wire: "id", ty: Ty::Uuid, required: false, nullable: false },
            ],
            flattened: &[],
            additional: None,
        },
        examples: &[],
        check: None,
    },
    // For the one-pass decode: every kind of part it checks.
    TypeDef {
        name: "Owner",
        kind: Kind::Struct {
            fields: &[
                Field { wire: "pets", ty: Ty::Checked(&Ty::Array(&PET), &FEW), required: true, nullable: false },
                Field { wire: "kind", ty: Ty::Named(2), required: true, nullable: false },
                Field { wire: "tags", ty: Ty::Map(&Ty::Int(schema::Int::U8)), required: false, nullable: false },
                Field { wire: "nick", ty: Ty::String, required: false, nullable: true },
                Field { wire: "score", ty: Ty::Checked(&Ty::F64, &POSITIVE), required: false, nullable: false },
                Field { wire: "data", ty: Ty::Any, required: false, nullable: false },
                Field { wire: "born", ty: Ty::Date, required: false, nullable: false },
            ],
            flattened: &[],
            additional: None,
        },
        examples: &[],
        check: Some(&CLOSED),
    },
    TypeDef { name: "Kind", kind: Kind::Enum(&["cat", "dog"]), examples: &[], check: None },
    TypeDef {
        name: "Either",
        kind: Kind::Untagged(&[Ty::String, Ty::Int(schema::Int::I64)]),
        examples: &[],
        check: None,
    },
];

static PATTERNS: [Pattern; 1] = [Pattern::new("^[a-z]+$", "^[a-z]+$", &[], &[])];

const PET: Ty = Ty::Named(0);

static JSON_PET: &[MediaDef] =
    &[MediaDef { media_type: "application/json", encoding: Encoding::Json, ty: Some(PET), examples: &[] }];

static OPERATIONS: &[OpDef] = &[OpDef {
    id: "createPet",
    verb: Verb::Post,
    path: "/pets",
    params: &[ParamDef {
        wire: "limit",
        location: Location::Query,
        required: false,
        ty: Ty::Int(schema::Int::I32),
        explode: true,
        deep_object: false,
    }],
    body: Some(BodyDef { required: true, media: JSON_PET }),
    responses: &[
        ResponseDef { status: StatusDef::Code(201), media: JSON_PET },
        ResponseDef { status: StatusDef::Code(400), media: &[] },
    ],
    security: &[],
    call: echo,
}];

static SPEC: Spec = Spec { types: TYPES, operations: OPERATIONS, schemes: &[], patterns: &PATTERNS, base_path: "/v1" };

/// What a generated `call` does: decode, then answer through the implementation
/// (here a counter the test can read back, standing in for an `Api`).
fn echo(api: &Service, mut input: Input) -> BoxFuture<'static, HttpResponse> {
    let Some(calls) = api.downcast_ref::<Arc<std::sync::atomic::AtomicUsize>>() else {
        return input.reject(Rejection::unserved());
    };
    let limit: Option<i32> = match input.param_opt(0) {
        Ok(limit) => limit,
        Err(r) => return input.reject(r),
    };
    match input.body_json::<Value>() {
        Ok(mut body) => {
            // Counted once decoded: a generated `call` calls the implementation only then.
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            body["limit"] = json!(limit);
            Box::pin(std::future::ready(json_response(201, "application/json", &body)))
        }
        Err(r) => input.reject(r),
    }
}

#[test]
fn validation_names_every_problem_with_its_pointer() {
    assert!(validate(&SPEC, &PET, &json!({ "name": "rex" })).is_ok());
    let problems = validate(&SPEC, &PET, &json!({ "name": "R", "id": "nope" })).unwrap_err();
    let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
    assert_eq!(pointers, ["/name", "/name", "/id"], "{problems:?}");
    assert!(problems[0].message.contains("too short"), "{problems:?}");
    assert!(problems[1].message.contains("pattern"), "{problems:?}");
    let missing = validate(&SPEC, &PET, &json!({})).unwrap_err();
    assert_eq!(missing[0].pointer, "/name");
}

#[test]
fn the_streaming_check_agrees_with_the_value_check() {
    let bodies = [
        r#"{"name":"rex"}"#,
        r#"{"name":"R"}"#,
        r#"{"name":"rex","id":"x"}"#,
        r#"{"id":1}"#,
        "[",
        "{}",
        // Keys are read raw: escapes, control characters and bad escapes decide alike.
        r#"{"na\u006de":"rex"}"#,
        "{\"name\":\"rex\",\"\u{1}\":1}",
        r#"{"name":"rex","\ud800":1}"#,
        r#"{"name":"rex","a\qb":1}"#,
    ];
    for body in bodies {
        let by_value =
            serde_json::from_slice::<Value>(body.as_bytes()).is_ok_and(|v| validate(&SPEC, &PET, &v).is_ok());
        assert_eq!(valid_json(&SPEC, &PET, body.as_bytes()), by_value, "{body}");
    }
}

#[test]
fn responses_are_checked_against_the_documented_status() {
    assert!(check_response(&SPEC, "createPet", 201, Some("application/json"), br#"{"name":"rex"}"#).is_ok());
    let err = check_response(&SPEC, "createPet", 201, Some("application/json"), br#"{"name":1}"#).unwrap_err();
    assert!(err.starts_with("/name"), "{err}");
    assert!(check_response(&SPEC, "createPet", 500, None, b"").is_err());
    assert!(check_response(&SPEC, "nope", 201, None, b"").is_err());
}

/// Serve `router` on loopback and send one raw HTTP/1.1 request; status and body.
async fn send(router: axum::Router, request: &str) -> (u16, Value) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    server.abort();
    let status = out[9..12].parse().unwrap();
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn post(path: &str, content_type: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn the_router_checks_requests_before_the_implementation() {
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let service: Service = Arc::new(calls.clone());
    let app = || router(&SPEC, Backend::Typed(service.clone()), Config::default(), &[""]);

    let (status, body) = send(app(), &post("/pets?limit=3", "application/json", r#"{"name":"rex"}"#)).await;
    assert_eq!((status, body), (201, json!({ "name": "rex", "limit": 3 })));

    // Invalid body: 422 is not documented, 400 is.
    let (status, body) = send(app(), &post("/pets", "application/json", r#"{"name":"R"}"#)).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "/name", "{body}");
    assert_eq!(body["errors"][0]["in"], "body", "{body}");

    let (status, _) = send(app(), &post("/pets?limit=x", "application/json", r#"{"name":"rex"}"#)).await;
    assert_eq!(status, 400);
    let (status, _) = send(app(), &post("/pets", "text/plain", "rex")).await;
    assert_eq!(status, 415);
    let (status, _) = send(app(), "GET /pets HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").await;
    assert_eq!(status, 405);
    let (status, _) = send(app(), &post("/nowhere", "application/json", "{}")).await;
    assert_eq!(status, 404);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1, "only the valid request reached the implementation");

    // A service of another type is refused, not a panic.
    let other: Service = Arc::new(());
    let app = router(&SPEC, Backend::Typed(other), Config::default(), &[""]);
    let (status, _) = send(app, &post("/pets", "application/json", r#"{"name":"rex"}"#)).await;
    assert_eq!(status, 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn the_mock_answers_a_valid_sample_under_the_base_path() {
    for path in ["/pets", "/v1/pets"] {
        let (status, body) = send(mock::router(&SPEC), &post(path, "application/json", r#"{"name":"rex"}"#)).await;
        assert_eq!(status, 201, "{path}");
        assert!(validate(&SPEC, &PET, &body).is_ok(), "{body}");
    }
    assert_eq!(operations(&SPEC).collect::<Vec<_>>(), [("POST", "/pets", "createPet")]);
}

/// A parameter decoded from its text, or through the `Value` the general path makes of it.
fn both_ways<T: DeserializeOwned + PartialEq + std::fmt::Debug>(ty: Ty, raw: &str) -> (Option<T>, Option<T>) {
    let by_value = schema::param_value(&SPEC, &ty, &[raw], true).ok().and_then(|v| serde_json::from_value::<T>(v).ok());
    let by_text = schema::param_scalar(&SPEC, &ty, raw).and_then(|s| T::deserialize(schema::ScalarDe(s)).ok());
    (by_text, by_value)
}

#[test]
fn parameters_decoded_from_their_text_agree_with_the_value_path() {
    use schema::Int;
    for raw in ["3", "-3", "300", "x", "1.5", "", "18446744073709551615", "-9223372036854775808"] {
        let (a, b) = both_ways::<i32>(Ty::Int(Int::I32), raw);
        assert_eq!(a, b, "{raw}");
        let (a, b) = both_ways::<u8>(Ty::Int(Int::U8), raw);
        assert_eq!(a, b, "{raw}");
        let (a, b) = both_ways::<u64>(Ty::Int(Int::U64), raw);
        assert_eq!(a, b, "{raw}");
        let (a, b) = both_ways::<Option<i64>>(Ty::Int(Int::I64), raw);
        assert_eq!(a, b, "{raw}");
        let (a, b) = both_ways::<f64>(Ty::F64, raw);
        assert_eq!(a, b, "{raw}");
        let (a, b) = both_ways::<String>(Ty::String, raw);
        assert_eq!(a, b, "{raw}");
        // Validity is decided alike on the text and on the value.
        for ty in [Ty::Int(Int::U8), Ty::Int(Int::I32), Ty::F32, Ty::Bool, Ty::Checked(&Ty::String, &NAME)] {
            let by_value =
                schema::param_value(&SPEC, &ty, &[raw], true).is_ok_and(|v| validate(&SPEC, &ty, &v).is_ok());
            let by_text = schema::param_scalar(&SPEC, &ty, raw).is_some_and(|s| schema::valid_scalar(&SPEC, &ty, s));
            assert!(!by_text || by_value, "{raw} {ty:?}: valid on its text only");
        }
    }
    for raw in ["true", "false", "yes"] {
        let (a, b) = both_ways::<bool>(Ty::Bool, raw);
        assert_eq!(a, b, "{raw}");
    }
    let id = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    let parsed = uuid::Uuid::try_parse(id).unwrap();
    let text = String::deserialize(schema::UuidDe(parsed, id)).unwrap();
    assert_eq!(text, id);
    let (a, b) = both_ways::<String>(Ty::Uuid, id);
    assert_eq!(a, b);
}

#[test]
fn path_parameters_are_read_in_place_only_when_plain() {
    let op = |path: &'static str, params: &'static [ParamDef]| OpDef {
        id: "op",
        verb: Verb::Get,
        path,
        params,
        body: None,
        responses: &[],
        security: &[],
        call: echo,
    };
    const fn param(wire: &'static str) -> ParamDef {
        ParamDef { wire, location: Location::Path, required: true, ty: Ty::String, explode: false, deep_object: false }
    }
    static PARAMS: [ParamDef; 2] = [param("workspaceId"), param("item")];
    let slots = path_slots(&op("/workspaces/{workspaceId}/items/{item}", &PARAMS)).unwrap();
    assert_eq!(&*slots, [Some(2), Some(0)]);
    assert_eq!(segment_from_end("/v1/workspaces/abc/items/7", 2), Some((15, "abc", false)));
    assert_eq!(segment_from_end("/v1/workspaces/a%20c/items/7", 2), Some((15, "a%20c", true)));
    assert_eq!(segment_from_end("/v1/workspaces/abc/items/7", 0), Some((25, "7", false)));
    assert_eq!(segment_from_end("/a", 2), None);
    assert!(path_slots(&op("/files/{*rest}", &PARAMS)).is_none());
    assert!(path_slots(&op("/files/{name}.json", &PARAMS)).is_none());
    assert_eq!(&*path_slots(&op("/health", &[])).unwrap(), []);
    for (i, path) in [
        "/a/b",
        "/a//b/",
        "",
        "/",
        "a",
        "//",
        "/public/v1/workspaces/3fa85f64-5717-4562-b3fc-2c963f66afa6/x",
        "/wörk/€€€€/ÿÿÿÿÿÿ/é",
    ]
    .into_iter()
    .enumerate()
    {
        let long = format!("{path}{}", "%ab/x%".repeat(i));
        for text in [path, long.as_str()] {
            for end in 0..=text.len() {
                let bytes = &text.as_bytes()[..end];
                let start = bytes.iter().rposition(|&b| b == b'/').map_or(0, |slash| slash + 1);
                assert_eq!(segment_start(bytes), (start, bytes[start..].contains(&b'%')), "{text} {end}");
            }
        }
        for k in 0..4 {
            assert_eq!(segment_from_end(path, k).map(|(_, s, _)| s), path.rsplit('/').nth(k), "{path} {k}");
        }
    }
}

#[test]
fn a_decoding_error_from_text_reads_as_one_from_a_value() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Pet {
        name: String,
        age: u8,
    }
    for raw in [
        r#"{"name":"Rex","age":300}"#,
        r#"{"name":1,"age":3}"#,
        r#"{"age":3}"#,
        r#"[1,2]"#,
        r#"{"name":"Rex","age":1.5}"#,
    ] {
        let value: Value = serde_json::from_str(raw).unwrap();
        let from_value = serde_json::from_value::<Pet>(value).unwrap_err().to_string();
        let from_text = serde_json::from_str::<Pet>(raw).unwrap_err();
        assert_eq!(value_error(&from_text), from_value, "{raw}");
    }
}

#[cfg(feature = "one-pass")]
#[derive(Debug, Clone, PartialEq)]
struct PetT {
    name: String,
    id: Option<String>,
}
#[cfg(feature = "one-pass")]
openapi_support::plain_struct!(PetT { name: required 0 "name", id: optional 1 "id" });

#[cfg(feature = "one-pass")]
#[derive(Debug, Clone, PartialEq)]
struct OwnerT {
    pets: Vec<PetT>,
    kind: String,
    tags: Option<std::collections::BTreeMap<String, u8>>,
    nick: Option<Option<String>>,
    score: Option<f64>,
    data: Option<Value>,
    born: Option<String>,
}
#[cfg(feature = "one-pass")]
openapi_support::plain_struct!(OwnerT {
    pets: required 0 "pets",
    kind: required 1 "kind",
    tags: optional 2 "tags",
    nick: optional_nullable 3 "nick",
    score: optional 4 "score",
    data: optional 5 "data",
    born: optional 6 "born",
});

#[cfg(feature = "one-pass")]
/// The same struct through serde's derive (another way of reading keys).
#[derive(Debug, PartialEq, Deserialize)]
struct OwnerD {
    pets: Vec<Value>,
    kind: String,
    #[serde(default)]
    score: Option<f64>,
}

#[cfg(feature = "one-pass")]
/// What the two-pass path decodes for a body it finds valid (`None`: it does not).
fn two_pass<T: DeserializeOwned>(ty: Ty, body: &[u8]) -> Option<T> {
    if valid_json(&SPEC, &ty, body) {
        serde_json::from_slice(body).ok()
    } else {
        None
    }
}

#[cfg(feature = "one-pass")]
const OWNER: Ty = Ty::Named(1);

#[cfg(feature = "one-pass")]
#[test]
fn one_pass_decodes_valid_bodies_as_the_two_pass_path_does() {
    let valid = [
        r#"{"pets":[{"name":"rex"}],"kind":"cat"}"#,
        r#"{"pets":[{"name":"rex","id":"3fa85f64-5717-4562-b3fc-2c963f66afa6"},{"name":"tom"}],"kind":"dog","tags":{"a":1,"b":255},"nick":null,"score":1.5,"data":{"x":[1,"y",null]},"born":"2024-01-01"}"#,
        r#"{"pe\u0074s":[],"kind":"c\u0061t","nick":"a\"b"}"#,
        // A key the struct does not declare is skipped, and still checked where the schema says how.
        r#"{"pets":[{"name":"rex","extra":{"deep":[1,2]}}],"kind":"cat"}"#,
        r#"{"pets":[],"kind":"cat","score":2}"#,
        r#" {"kind":"cat","pets":[]} "#,
    ];
    for body in valid {
        let one = one_pass::<OwnerT>(&SPEC, &OWNER, body.as_bytes());
        assert!(one.is_some(), "{body}: not decoded in one pass");
        assert_eq!(one, two_pass::<OwnerT>(OWNER, body.as_bytes()), "{body}");
        let one = one_pass::<OwnerD>(&SPEC, &OWNER, body.as_bytes());
        assert!(one.is_some(), "{body}: not decoded in one pass");
        assert_eq!(one, two_pass::<OwnerD>(OWNER, body.as_bytes()), "{body}");
        let one = one_pass::<Value>(&SPEC, &OWNER, body.as_bytes());
        assert_eq!(one, serde_json::from_str(body).ok(), "{body}");
    }
}

#[cfg(feature = "one-pass")]
#[test]
fn one_pass_leaves_every_other_body_to_the_two_pass_path() {
    let others = [
        r#"{"pets":[],"kind":"cow"}"#,
        r#"{"pets":[{"name":"a1"},{"name":"bb"},{"name":"cc"}],"kind":"cat"}"#,
        r#"{"pets":[{"name":"R"}],"kind":"cat"}"#,
        r#"{"pets":[{"name":"rex","id":"nope"}],"kind":"cat"}"#,
        r#"{"pets":[]}"#,
        r#"{"pets":[],"kind":"cat","x":1}"#,
        r#"{"pets":[],"kind":"cat","tags":{"a":256}}"#,
        r#"{"pets":[],"kind":"cat","tags":[]}"#,
        r#"{"pets":[],"kind":"cat","nick":1}"#,
        r#"{"pets":[],"kind":"cat","score":-1}"#,
        r#"{"pets":[],"kind":"cat","score":null}"#,
        r#"{"pets":null,"kind":"cat"}"#,
        r#"{"pets":[],"kind":"cat","born":"2024-13-01"}"#,
        // Valid, but the types refuse it (a field given twice).
        r#"{"pets":[],"kind":"cat","kind":"dog"}"#,
        r#"{"pets":[],"kind":"cat"} x"#,
        r#"{"pets":[],"kind":"cat""#,
        "[]",
        "null",
        "",
    ];
    for body in others {
        assert_eq!(one_pass::<OwnerT>(&SPEC, &OWNER, body.as_bytes()), None, "{body}");
        assert_eq!(one_pass::<OwnerD>(&SPEC, &OWNER, body.as_bytes()), None, "{body}");
        // A `Value` takes a repeated key (the last one counts), as the two-pass path does.
        let one = one_pass::<Value>(&SPEC, &OWNER, body.as_bytes());
        assert!(one.is_none() || one == two_pass::<Value>(OWNER, body.as_bytes()), "{body}");
    }
    // Text that is not UTF-8 in a part the type reads, or in one it skips.
    for body in [&b"{\"pets\":[],\"kind\":\"cat\",\"data\":\"\xff\"}"[..], b"{\"pets\":[],\"kind\":\"c\xffat\"}"] {
        assert_eq!(one_pass::<OwnerT>(&SPEC, &OWNER, body), None);
    }
    // Unions are checked through a `Value`: never in one pass.
    assert!(schema::one_pass(&SPEC, &OWNER));
    assert!(schema::one_pass(&SPEC, &PET));
    assert!(!schema::one_pass(&SPEC, &Ty::Named(3)));
    assert!(!schema::one_pass(&SPEC, &Ty::Map(&Ty::Named(3))));
    assert_eq!(one_pass::<Value>(&SPEC, &Ty::Named(3), b"1"), None);
}

#[cfg(feature = "one-pass")]
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_body_checked_in_one_pass_is_refused_as_before() {
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let service: Service = Arc::new(calls.clone());
    let app = || router(&SPEC, Backend::Typed(service.clone()), Config::default(), &[""]);
    for body in [r#"{"name":"R","id":"nope"}"#, r#"{"id":1}"#, r#"{"name":"rex","name":"tom"}"#] {
        let (status, answer) = send(app(), &post("/pets", "application/json", body)).await;
        match validate(&SPEC, &PET, &serde_json::from_str(body).unwrap()) {
            Err(problems) => {
                assert_eq!(status, 400, "{body}");
                let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
                let answered: Vec<&str> =
                    answer["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
                assert_eq!(answered, messages, "{body}");
            }
            // A repeated key: the last one counts, as in the `Value`.
            Ok(()) => assert_eq!(answer, json!({ "name": "tom", "limit": null }), "{body}"),
        }
    }
    let (status, answer) = send(app(), &post("/pets", "application/json", r#"{"name":"#)).await;
    assert_eq!(status, 400);
    assert!(answer["message"].as_str().unwrap().contains("malformed JSON"), "{answer}");
    // The body's rejection still comes before the service's.
    let other: Service = Arc::new(());
    let app = router(&SPEC, Backend::Typed(other), Config::default(), &[""]);
    let (status, answer) = send(app, &post("/pets", "application/json", r#"{"name":"R"}"#)).await;
    assert_eq!((status, answer["errors"][0]["field"].as_str()), (400, Some("/name")), "{answer}");
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
}

fn echo_path(_: &Service, mut input: Input) -> BoxFuture<'static, HttpResponse> {
    match input.param::<String>(0) {
        Ok(id) => Box::pin(std::future::ready(json_response(200, "application/json", &id))),
        Err(r) => input.reject(r),
    }
}

static PATH_PARAMS: [ParamDef; 1] = [ParamDef {
    wire: "id",
    location: Location::Path,
    required: true,
    ty: Ty::String,
    explode: false,
    deep_object: false,
}];

static PATH_OPERATIONS: &[OpDef] = &[OpDef {
    id: "getPet",
    verb: Verb::Get,
    path: "/pets/{id}",
    params: &PATH_PARAMS,
    body: None,
    responses: &[ResponseDef { status: StatusDef::Code(200), media: &[] }],
    security: &[],
    call: echo_path,
}];

static PATH_SPEC: Spec =
    Spec { types: TYPES, operations: PATH_OPERATIONS, schemes: &[], patterns: &PATTERNS, base_path: "/v1" };

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn path_parameters_read_in_place_or_decoded_by_the_router() {
    let service: Service = Arc::new(());
    for prefix in ["", "/v1"] {
        let get = |path: &str| format!("GET {prefix}{path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
        let app = || router(&PATH_SPEC, Backend::Typed(service.clone()), Config::default(), &["", "/v1"]);
        assert_eq!(send(app(), &get("/pets/rex")).await, (200, json!("rex")));
        assert_eq!(send(app(), &get("/pets/a%20b")).await, (200, json!("a b")));
        assert_eq!(
            send(app(), &get("/pets/3fa85f64-5717-4562-b3fc-2c963f66afa6")).await.1,
            json!("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        );
        let (status, answer) = send(app(), &get("/pets/%FF")).await;
        assert_eq!((status, answer["errors"][0]["in"].as_str()), (400, Some("path")), "{answer}");
    }
}

#[test]
fn the_only_path_parameter_is_found_by_the_text_around_it() {
    let op = |path: &'static str| OpDef {
        id: "op",
        verb: Verb::Get,
        path,
        params: &PATH_PARAMS,
        body: None,
        responses: &[],
        security: &[],
        call: echo,
    };
    for (prefix, template) in [("", "/pets/{id}"), ("/v1", "/pets/{id}/toys"), ("", "/{id}")] {
        let op = op(template);
        let slots = path_slots(&op).unwrap();
        let only = OnlySlot::new(prefix, &op, &slots).unwrap();
        let k = usize::from(slots[0].unwrap());
        for id in ["rex", "", "a%20b", "a/b", "3fa85f64-5717-4562-b3fc-2c963f66afa6", "é€ÿ/%"] {
            for path in
                [format!("{prefix}{}", template.replace("{id}", id)), format!("/x{}", template.replace("{id}", id))]
            {
                let by_text = only.segment(&path);
                let by_count = segment_from_end(&path, k);
                if let Some((start, len)) = by_text {
                    assert_eq!(Some((start, &path[start..start + len], false)), by_count, "{path}");
                }
                // The usual path, a plain value in the template under the route's prefix, is found so.
                if path.starts_with(prefix) && !path.starts_with("/x") && !id.contains(['/', '%']) {
                    assert!(by_text.is_some(), "{path}");
                }
            }
        }
    }
    assert!(OnlySlot::new("", &op("/a/{id}/{id}"), &[Some(0)]).is_none());
    for text in ["", "abc", "abcdefgh", "abcdefgh/", "abcdefghijklmnop%", "é€ÿé€ÿé€ÿ"] {
        assert_eq!(plain_segment(text.as_bytes()), !text.contains(['/', '%']), "{text}");
    }
}

#[test]
fn reading_a_body_leaves_a_checked_one_as_it_is() {
    let input = |body| Input {
        spec: &SPEC,
        op: &OPERATIONS[0],
        params: Params::new(0),
        path: None,
        body: Some((0, body)),
        context: RequestContext::new("createPet"),
    };
    let mut text = input(BodyValue::Bytes(Bytes::from_static(b"hi")));
    assert_eq!(text.body_text().unwrap(), "hi");
    let mut valid = input(BodyValue::Unchecked(Bytes::from_static(br#"{"name":"rex"}"#), &PET));
    assert_eq!(valid.body_bytes().unwrap(), br#"{"name":"rex"}"#);
    let mut invalid = input(BodyValue::Unchecked(Bytes::from_static(br#"{"name":"R"}"#), &PET));
    let rejection = invalid.body_bytes().unwrap_err();
    assert_eq!((rejection.status, rejection.location), (StatusCode::UNPROCESSABLE_ENTITY, "body"));
}

#[cfg(feature = "one-pass")]
/// What the one-pass path makes of `bytes` for a `T`: the value when it is valid
/// and `T` accepts it, as the generated servers call it.
fn one_pass<T: serde::de::DeserializeOwned + 'static>(spec: &'static Spec, ty: &Ty, bytes: &[u8]) -> Option<T> {
    let mut slot: Option<T> = None;
    let ok = schema::decode_checked(spec, ty, bytes, &mut |de, shape| decode_into::<T>(de, shape, &mut slot));
    if ok {
        slot
    } else {
        None
    }
}
