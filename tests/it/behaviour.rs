//! Run-time behaviour of generated types: the presence mapping, forward
//! compatibility, tagged unions, recursion and secret redaction, on the
//! `behaviour` fixture (compiled by build.rs) and on the real crates.

use crate::fixtures::generated::behaviour as b;
use serde_json::{json, Value};

fn roundtrip<T: serde::de::DeserializeOwned + serde::Serialize>(v: Value) -> (T, Value) {
    let t: T = serde_json::from_value(v).expect("decodes");
    let back = serde_json::to_value(&t).expect("encodes");
    (t, back)
}

#[test]
fn null_stays_null_and_absent_stays_absent() {
    let cases = [
        json!({"required": "a", "requiredNullable": null}),
        json!({"required": "a", "requiredNullable": "x", "optionalNullable": null}),
        json!({"required": "a", "requiredNullable": "x", "optionalNullable": "y", "optional": "z"}),
    ];
    for case in cases {
        let (_, back): (b::Presence, _) = roundtrip(case.clone());
        assert_eq!(back, case);
    }
    let p: b::Presence = serde_json::from_value(json!({"required": "a", "requiredNullable": null})).unwrap();
    assert_eq!(p.optional_nullable, None, "absent");
    let p: b::Presence =
        serde_json::from_value(json!({"required": "a", "requiredNullable": null, "optionalNullable": null})).unwrap();
    assert_eq!(p.optional_nullable, Some(None), "null");
}

#[test]
fn required_fields_are_required() {
    let err = serde_json::from_value::<b::Presence>(json!({"requiredNullable": null})).unwrap_err();
    assert!(err.to_string().contains("missing field `required`"), "{err}");
}

#[test]
fn struct_decoding_keeps_serde_rules() {
    // Read from text: a `Value` would already have merged the repeated key.
    let err = serde_json::from_str::<b::Presence>(r#"{"required": "a", "required": "b", "requiredNullable": null}"#)
        .unwrap_err();
    assert!(err.to_string().contains("duplicate field `required`"), "{err}");
    // A required nullable field may be absent: it decodes as `None` (and is written back as `null`).
    let (p, back): (b::Presence, _) = roundtrip(json!({"required": "a"}));
    assert_eq!(p.required_nullable, None);
    assert_eq!(back, json!({"required": "a", "requiredNullable": null}));
    // Objects only: a JSON array is not read positionally as a struct.
    let err = serde_json::from_str::<b::Presence>(r#"["a", null]"#).unwrap_err();
    assert!(err.to_string().contains("invalid type: sequence, expected struct Presence"), "{err}");
    let err = serde_json::from_str::<b::Presence>(r#"{"required": 1, "requiredNullable": null}"#).unwrap_err();
    assert!(err.to_string().contains("invalid type: integer `1`, expected a string"), "{err}");
}

#[test]
fn unknown_enum_values_and_fields_decode() {
    let v = json!({"required": "a", "requiredNullable": null, "status": "archived", "brandNew": {"x": 1}});
    let p: b::Presence = serde_json::from_value(v).unwrap();
    assert_eq!(p.status, Some(b::Status::Unknown2("archived".into())));
    assert_eq!(serde_json::to_value(&p.status).unwrap(), json!("archived"));
    // A wire value `unknown` is a real variant; the catch-all got another name.
    assert_eq!("unknown".parse::<b::Status>().unwrap(), b::Status::Unknown);
    assert_eq!(b::Status::Inactive.to_string(), "inactive");
    assert_eq!(b::Status::VALUES, ["active", "inactive", "unknown"]);
}

#[test]
fn formats_are_typed() {
    let v = json!({"required": "a", "requiredNullable": null, "when": "2024-01-02T03:04:05Z",
                   "id": "df08f6b0-b364-4cc1-9b3f-96f5d2fccfb2", "count": 7});
    let p: b::Presence = serde_json::from_value(v).unwrap();
    let when: chrono::DateTime<chrono::Utc> = p.when.unwrap();
    assert_eq!(when.timestamp(), 1704164645);
    let id: uuid::Uuid = p.id.unwrap();
    assert_eq!(id.to_string(), "df08f6b0-b364-4cc1-9b3f-96f5d2fccfb2");
    let count: i32 = p.count.unwrap();
    assert_eq!(count, 7);
    let bad = json!({"required": "a", "requiredNullable": null, "id": "not-a-uuid"});
    assert!(serde_json::from_value::<b::Presence>(bad).is_err());
}

#[test]
fn tagged_union_with_shared_enum_tag_and_recursion() {
    let v = json!({"type": "NOT", "conditions": [{"type": "EQUAL", "field": "a"}, {"type": "NOT", "conditions": []}]});
    let (op, back): (b::Operation, _) = roundtrip(v.clone());
    assert_eq!(back, v);
    let b::Operation::Not(not) = op else { panic!("expected Not, got {op:?}") };
    assert!(matches!(&not.conditions[0], b::Operation::Equal(e) if e.field == "a"));

    let future = json!({"type": "REGEX", "pattern": ".*"});
    let (op, back): (b::Operation, _) = roundtrip(future.clone());
    assert!(matches!(op, b::Operation::Unknown(_)));
    assert_eq!(back, future);

    let err = serde_json::from_value::<b::Operation>(json!({"field": "a"})).unwrap_err();
    assert!(err.to_string().contains("missing discriminator `type`"), "{err}");
}

#[test]
fn direct_recursion_is_boxed() {
    let v = json!({"name": "leaf", "parent": {"name": "root"}});
    let (t, back): (b::Tree, _) = roundtrip(v.clone());
    let parent: Box<b::Tree> = t.parent.unwrap();
    assert_eq!(parent.name, "root");
    assert_eq!(back, v);
}

#[test]
fn additional_properties_are_kept() {
    let v = json!({"kind": "k", "team": "data", "env": "prod"});
    let (l, back): (b::Labels, _) = roundtrip(v.clone());
    assert_eq!(l.additional_properties.get("team").map(String::as_str), Some("data"));
    assert_eq!(back, v);
}

#[test]
fn untagged_union_takes_the_matching_variant() {
    assert_eq!(serde_json::from_value::<b::IdOrName>(json!(3)).unwrap(), b::IdOrName::Integer(3));
    assert_eq!(serde_json::from_value::<b::IdOrName>(json!("x")).unwrap(), b::IdOrName::String("x".into()));
}

#[test]
fn secrets_are_redacted_in_debug() {
    let c =
        b::Credentials { client_id: "id-1".into(), client_secret: "hunter2".into(), api_token: Some("tok-123".into()) };
    let shown = format!("{c:?}");
    assert!(shown.contains("id-1"), "{shown}");
    assert!(!shown.contains("hunter2") && !shown.contains("tok-123"), "{shown}");
    // Redaction is for Debug only: the wire still carries the value.
    assert_eq!(serde_json::to_value(&c).unwrap()["clientSecret"], "hunter2");
}

#[test]
fn const_becomes_a_one_value_enum() {
    let (c, back): (b::Const, _) = roundtrip(json!({"version": "v1"}));
    assert_eq!(c.version, Some(b::ConstVersion::V1));
    assert_eq!(back, json!({"version": "v1"}));
}

#[test]
fn real_row_filtering_operation_roundtrips() {
    use airbyte_api_types::RowFilteringOperation;
    let v = json!({"type": "NOT", "conditions": [{"type": "EQUAL", "fieldName": "status", "comparisonValue": "x"}]});
    let (op, back): (RowFilteringOperation, _) = roundtrip(v.clone());
    assert!(matches!(op, RowFilteringOperation::Not(_)));
    assert_eq!(back, v);
}

#[test]
fn undeclared_discriminator_is_inferred() {
    // Untagged decoding would take `Circle` for both (all other fields optional).
    let (s, back): (b::Shape, _) = roundtrip(json!({"kind": "square", "side": 2.0}));
    assert!(matches!(&s, b::Shape::Square(sq) if sq.side == Some(2.0)), "{s:?}");
    assert_eq!(back, json!({"kind": "square", "side": 2.0}));
    let (s, _): (b::Shape, _) = roundtrip(json!({"kind": "hexagon"}));
    assert!(matches!(s, b::Shape::Unknown(_)));
}
