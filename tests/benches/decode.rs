//! Decoding a large list response (10,000 connections) through the generated
//! client's decode path (`runtime::read_json`: plain serde_json, re-decoding
//! with JSON-path tracking only on failure), next to plain
//! `serde_json::from_slice` into the same type and into `serde_json::Value`,
//! and to path tracking on every decode; measured in rotation in one run.
//!
//! `cargo bench -p tests --bench decode` (`BENCH_RUNS`, default 15).

use std::time::{Duration, Instant};

use airbyte_api_client::runtime::{read_json, RawResponse};
use airbyte_api_client::types::ConnectionsResponse;
use serde_json::json;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Median time of each function, run in rotation so that load from other
/// processes falls on all of them alike.
fn time_all(runs: usize, fs: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    let mut samples = vec![Vec::with_capacity(runs); fs.len()];
    for f in fs.iter_mut() {
        f();
    }
    for _ in 0..runs {
        for (f, s) in fs.iter_mut().zip(&mut samples) {
            let t = Instant::now();
            f();
            s.push(t.elapsed());
        }
    }
    samples.into_iter().map(median).collect()
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(15);
    let data: Vec<_> = (0..10_000)
        .map(|i| {
            json!({
                "connectionId": format!("00000000-0000-0000-0000-{i:012}"),
                "name": format!("Postgres → BigQuery #{i}"),
                "sourceId": "11111111-1111-1111-1111-111111111111",
                "destinationId": "22222222-2222-2222-2222-222222222222",
                "workspaceId": "33333333-3333-3333-3333-333333333333",
                "status": if i % 3 == 0 { "inactive" } else { "active" },
                "schedule": {"scheduleType": "cron", "cronExpression": "0 0 * * * ?"},
                "createdAt": 1717969830000i64 + i,
                "tags": [{"tagId": "44444444-4444-4444-4444-444444444444", "name": "prod", "color": "FF0000", "workspaceId": "33333333-3333-3333-3333-333333333333"}],
                "configurations": {"streams": [{"name": "users", "syncMode": "incremental_append", "cursorField": ["updated_at"], "primaryKey": [["id"]]}]},
                "namespaceDefinition": "destination",
                "nonBreakingSchemaUpdatesBehavior": "ignore",
            })
        })
        .collect();
    let bytes = serde_json::to_vec(
        &json!({"data": data, "next": "https://api.airbyte.com/v1/connections?limit=10000&offset=10000"}),
    )
    .unwrap();
    let raw = RawResponse {
        operation: "listConnections",
        status: 200,
        headers: Default::default(),
        body: bytes.clone().into(),
    };
    // Sanity: all three decode the same bytes.
    let typed: ConnectionsResponse = read_json(&raw).unwrap();
    assert_eq!(typed.data.len(), 10_000);

    let mut client = || {
        let r: ConnectionsResponse = read_json(&raw).unwrap();
        std::hint::black_box(r);
    };
    let mut plain = || {
        let r: ConnectionsResponse = serde_json::from_slice(&bytes).unwrap();
        std::hint::black_box(r);
    };
    let mut value = || {
        let r: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        std::hint::black_box(r);
    };
    // What `read_json` did before it got a plain fast path: track the path always.
    let mut tracked = || {
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        let r: ConnectionsResponse = serde_path_to_error::deserialize(de).unwrap();
        std::hint::black_box(r);
    };
    let times = time_all(runs, &mut [&mut client, &mut plain, &mut value, &mut tracked]);
    let (client, plain, value, tracked) = (times[0], times[1], times[2], times[3]);
    let mb = bytes.len() as f64 / 1e6;
    println!("10,000 connections, {mb:.1} MB, median of {runs}");
    for (name, d) in [
        ("client read_json", client),
        ("serde_json typed", plain),
        ("serde_json Value", value),
        ("path-tracking typed", tracked),
    ] {
        println!(
            "{name:<20} {:>8.1} ms {:>8.1} MB/s {:>6.2}x of serde_json typed",
            d.as_secs_f64() * 1e3,
            mb / d.as_secs_f64(),
            d.as_secs_f64() / plain.as_secs_f64()
        );
    }
}
