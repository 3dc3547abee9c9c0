//! Generated clients of the fixture corpus (see build_client.rs), compiled
//! with warnings denied, and the client behaviour only fixtures have
//! (`fixtures/client/client-kinds.yaml`): label/header/cookie/deepObject/
//! pipe-delimited parameters, API-key and basic security alternatives,
//! several success statuses, status ranges and `default`, binary bodies,
//! redacted sensitive parameters.

#[deny(warnings)]
#[allow(clippy::all)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/client_fixtures.rs"));
}

use axum::http::Method;
use serde_json::json;

use super::client::{raw_reply, reply, Server};
use generated::client_kinds as kinds;

fn pairs(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect()
}

fn strings(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[tokio::test]
async fn every_parameter_location_and_style_reaches_the_server() {
    let server = Server::start().await;
    let client = kinds::Client::builder().base_url(&server.base).api_key("key", "k-1").build().unwrap();
    server.push(reply(200, json!({"id": 7, "tags": ["a"]})));
    let params = kinds::GetItemParams {
        x_flags: Some(vec!["fast".into(), "safe".into()]),
        session: Some("s-1".into()),
        filter: Some(kinds::types::Filter { color: Some("red".into()), size: Some(2) }),
        ids: Some(vec![1, 2]),
        names: Some(vec!["x y".into(), "z".into()]),
        token: Some("t0ps3cret".into()),
    };
    let item = client.get_item(&7, &["a".into(), "b".into()], "req-1", params).await.unwrap();
    assert_eq!(item.body.id, 7);
    let seen = &server.seen()[0];
    assert_eq!(seen.method, Method::GET);
    // `label` style, not exploded: `.a,b`.
    assert_eq!(seen.path, "/items/7/.a,b");
    assert_eq!(
        pairs(seen.query.as_deref()),
        strings(&[
            ("filter[color]", "red"),
            ("filter[size]", "2"),
            ("ids", "1,2"),
            ("names", "x y|z"),
            ("token", "t0ps3cret"),
        ])
    );
    assert_eq!(seen.headers["x-request-id"], "req-1");
    assert_eq!(seen.headers["x-flags"], "fast,safe");
    assert_eq!(seen.headers["cookie"], "session=s-1");
    assert_eq!(seen.headers["x-api-key"], "k-1");
    assert_eq!(seen.headers["accept"], "application/json, text/plain");
}

#[tokio::test]
async fn status_ranges_and_default_decode_into_their_variants() {
    let server = Server::start().await;
    let client = kinds::Client::builder().base_url(&server.base).api_key("key", "k-1").build().unwrap();
    let labels = ["l".to_string()];
    let get = || client.get_item(&1, &labels, "r", Default::default());
    server.push(reply(404, json!({"detail": "missing"})));
    match get().await {
        Err(kinds::Error::Api { status: 404, error: kinds::GetItemError::Status4XX(p), .. }) => {
            assert_eq!(p.detail.as_deref(), Some("missing"))
        }
        other => panic!("expected 4XX, got {other:?}"),
    }
    server.push(raw_reply(503, vec![("content-type", "text/plain".into())], "down for maintenance"));
    match client
        .with_options(kinds::CallOptions { retry: Some(kinds::RetryPolicy::none()), ..Default::default() })
        .get_item(&1, &labels, "r", Default::default())
        .await
    {
        Err(kinds::Error::Api { status: 503, error: kinds::GetItemError::Default(text), .. }) => {
            assert_eq!(text, "down for maintenance")
        }
        other => panic!("expected default, got {other:?}"),
    }
}

#[tokio::test]
async fn security_alternatives_pick_what_the_client_has() {
    let server = Server::start().await;
    let item = kinds::types::Item { id: 1, tags: Some(vec!["a".into(), "b".into()]) };
    // `queryKey` (an API key in the query) or basic.
    let by_key = kinds::Client::builder().base_url(&server.base).api_key("queryKey", "qk").build().unwrap();
    server.push(reply(201, json!({"id": 1})));
    match by_key.create_item(&item).await.unwrap().into_inner() {
        kinds::CreateItemResponse::Status201(created) => assert_eq!(created.id, 1),
        other => panic!("expected 201, got {other:?}"),
    }
    let by_basic = kinds::Client::builder().base_url(&server.base).basic_auth("u", "p").build().unwrap();
    server.push(raw_reply(202, vec![], ""));
    assert_eq!(by_basic.create_item_as_form(&item).await.unwrap().body, kinds::CreateItemResponse::Status202);
    // Only the header key, which this operation does not accept: nothing is sent.
    let neither = kinds::Client::builder().base_url(&server.base).api_key("key", "k-1").build().unwrap();
    server.push(reply(409, json!({"detail": "exists"})));
    assert!(matches!(
        neither.create_item(&item).await,
        Err(kinds::Error::Api { error: kinds::CreateItemError::Status409(_), .. })
    ));

    let seen = server.seen();
    assert_eq!(pairs(seen[0].query.as_deref()), strings(&[("api_key", "qk")]));
    assert!(!seen[0].headers.contains_key("authorization"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&seen[0].body).unwrap(),
        json!({"id": 1, "tags": ["a", "b"]})
    );
    assert_eq!(seen[1].query, None);
    assert_eq!(seen[1].headers["authorization"], "Basic dTpw");
    assert_eq!(seen[1].headers["content-type"], "application/x-www-form-urlencoded");
    assert_eq!(std::str::from_utf8(&seen[1].body).unwrap(), "id=1&tags=a&tags=b");
    assert!(seen[2].query.is_none() && !seen[2].headers.contains_key("authorization"));
    assert!(!seen[2].headers.contains_key("x-api-key"));
}

#[tokio::test]
async fn binary_bodies_go_up_and_come_down_unchanged() {
    let server = Server::start().await;
    let client = kinds::Client::builder().base_url(&server.base).build().unwrap();
    let blob: Vec<u8> = (0..=255).collect();
    server.push(raw_reply(204, vec![], ""));
    let stored = client.upload("a b/c", bytes::Bytes::from(blob.clone())).await.unwrap();
    assert_eq!(stored.status, 204);
    server.push(raw_reply(200, vec![("content-type", "application/octet-stream".into())], "\u{0}\u{1}binary"));
    let down = client.download_body_stream("a b/c").await.unwrap().into_inner().collect().await.unwrap();
    assert_eq!(&down[..], b"\x00\x01binary");
    server.push(raw_reply(404, vec![], ""));
    assert!(matches!(
        client.download("nope").await,
        Err(kinds::Error::Api { status: 404, error: kinds::DownloadError::Status404, .. })
    ));

    let seen = server.seen();
    assert_eq!(seen[0].method, Method::PUT);
    // A path parameter is one segment: `/` and space are escaped.
    assert_eq!(seen[0].path, "/blobs/a%20b%2Fc");
    assert_eq!(seen[0].headers["content-type"], "application/octet-stream");
    assert_eq!(&seen[0].body[..], &blob[..]);
    assert_eq!(seen[1].headers["accept"], "application/octet-stream");
}

#[test]
fn sensitive_parameters_are_redacted_and_servers_default_from_the_spec() {
    let params = kinds::GetItemParams { token: Some("t0ps3cret".into()), ids: Some(vec![3]), ..Default::default() };
    let shown = format!("{params:?}");
    assert!(shown.contains("[3]") && !shown.contains("t0ps3cret"), "{shown}");
    // The server URL's `{port}` variable takes its default.
    assert_eq!(kinds::DEFAULT_BASE_URL, "http://localhost:9000/base");
}
