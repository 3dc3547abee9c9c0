//! The rule set: every kind of change, and its rule id, wire level and side
//! per direction; plus the JSON-level questions the rules ask (does a type
//! widen or narrow, can one untagged variant take another's values).

use std::collections::BTreeSet;

use super::raw::Effect;
use super::{Level, Side};
use crate::ir::{Api, FloatKind, IntKind, Presence, Ty, TypeKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Dir {
    Request,
    Response,
}

/// What changed, before classification by direction.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    // Schema changes, classified per direction.
    PropertyAdded {
        required: bool,
    },
    PropertyRemoved {
        required: bool,
    },
    PropertyRenamed {
        required: bool,
    },
    PropertyBecameRequired,
    PropertyBecameOptional,
    BecameNullable {
        was_option: bool,
    },
    BecameNotNullable,
    /// `widen`: `Some(true)` accepts more values than before, `Some(false)` fewer.
    TypeChanged {
        widen: Option<bool>,
    },
    DefaultChanged,
    EnumValueAdded,
    EnumValueRemoved,
    EnumValueRenamed,
    VariantAdded {
        tagged: bool,
    },
    VariantRemoved,
    VariantsOverlap,
    Constraint(Effect),
    // Direction-free.
    Deprecated(&'static str),
    RustRenamed(&'static str),
    TypeAdded,
    TypeRemoved,
    TypeRenamed,
    /// A use site now holds a different named type (not a plain rename).
    TypeReplaced,
    /// An unresolved reference now names something else (or was resolved).
    OpaqueChanged,
    // Operations.
    OperationAdded,
    OperationRemoved,
    OperationMoved,
    OperationIdChanged,
    ParameterAdded {
        required: bool,
    },
    ParameterRemoved,
    ParameterBecameRequired,
    ParameterBecameOptional,
    ParameterTypeChanged {
        widen: Option<bool>,
    },
    ParameterDefaultChanged,
    ParameterStyleChanged,
    RequestBodyAdded {
        required: bool,
    },
    RequestBodyRemoved,
    RequestBodyBecameRequired,
    RequestBodyBecameOptional,
    RequestMediaTypeAdded,
    RequestMediaTypeRemoved,
    ResponseStatusAdded {
        success: bool,
    },
    ResponseStatusRemoved {
        success: bool,
    },
    ResponseMediaTypeAdded,
    /// A status without content now has content.
    ResponseBodyAdded,
    /// A status with content now has none.
    ResponseBodyRemoved {
        success: bool,
    },
    ResponseMediaTypeRemoved {
        success: bool,
    },
    ResponseHeaderAdded,
    ResponseHeaderRemoved {
        required: bool,
    },
    SecurityRequirementAdded,
    SecurityRequirementRemoved,
    SecuritySchemeAdded,
    SecuritySchemeRemoved,
    SecuritySchemeChanged,
}

impl Kind {
    /// Kinds whose classification does not depend on the direction.
    pub(super) fn direction_free(&self) -> bool {
        matches!(
            self,
            Kind::Deprecated(_)
                | Kind::RustRenamed(_)
                | Kind::TypeAdded
                | Kind::TypeRemoved
                | Kind::TypeRenamed
                | Kind::OpaqueChanged
        )
    }
}

use Level::{Error, Info, Warning};

/// Rule id, wire level and wire side of a change seen in direction `dir`
/// (`None`: a schema no operation reaches).
pub(super) fn classify(kind: &Kind, dir: Option<Dir>) -> (String, Level, Side) {
    let fixed = |id: &str, level: Level, side: Side| (id.to_string(), level, side);
    match kind {
        Kind::Deprecated(what) => return (format!("{what}-deprecated"), Info, Side::None),
        Kind::RustRenamed(what) => return (format!("rust-{what}-renamed"), Info, Side::None),
        Kind::TypeAdded => return fixed("type-added", Info, Side::None),
        Kind::TypeRemoved => return fixed("type-removed", Info, Side::None),
        Kind::TypeRenamed => return fixed("type-renamed", Info, Side::None),
        Kind::OpaqueChanged => return fixed("unresolved-ref-changed", Warning, Side::Both),
        Kind::OperationAdded => return fixed("operation-added", Info, Side::None),
        Kind::OperationRemoved => return fixed("operation-removed", Error, Side::Client),
        Kind::OperationMoved => return fixed("operation-moved", Error, Side::Client),
        Kind::OperationIdChanged => return fixed("operation-id-changed", Info, Side::None),
        Kind::ParameterAdded { required: true } => return fixed("required-parameter-added", Error, Side::Client),
        Kind::ParameterAdded { required: false } => return fixed("parameter-added", Info, Side::None),
        Kind::ParameterRemoved => return fixed("parameter-removed", Warning, Side::Client),
        Kind::ParameterBecameRequired => return fixed("parameter-became-required", Error, Side::Client),
        Kind::ParameterBecameOptional => return fixed("parameter-became-optional", Warning, Side::Server),
        Kind::ParameterTypeChanged { widen: Some(true) } => {
            return fixed("parameter-type-changed", Warning, Side::Server)
        }
        Kind::ParameterTypeChanged { widen: Some(false) } => {
            return fixed("parameter-type-changed", Error, Side::Client)
        }
        Kind::ParameterTypeChanged { widen: None } => return fixed("parameter-type-changed", Error, Side::Both),
        Kind::ParameterDefaultChanged => return fixed("parameter-default-changed", Warning, Side::Client),
        Kind::ParameterStyleChanged => return fixed("parameter-style-changed", Error, Side::Both),
        Kind::RequestBodyAdded { required: true } => return fixed("required-request-body-added", Error, Side::Client),
        Kind::RequestBodyAdded { required: false } => return fixed("request-body-added", Info, Side::None),
        Kind::RequestBodyRemoved => return fixed("request-body-removed", Warning, Side::Client),
        Kind::RequestBodyBecameRequired => return fixed("request-body-became-required", Error, Side::Client),
        Kind::RequestBodyBecameOptional => return fixed("request-body-became-optional", Warning, Side::Server),
        Kind::RequestMediaTypeAdded => return fixed("request-media-type-added", Info, Side::None),
        Kind::RequestMediaTypeRemoved => return fixed("request-media-type-removed", Error, Side::Client),
        Kind::ResponseStatusAdded { success: true } => {
            return fixed("response-success-status-added", Warning, Side::Client)
        }
        Kind::ResponseStatusAdded { success: false } => return fixed("response-status-added", Info, Side::None),
        Kind::ResponseStatusRemoved { success: true } => {
            return fixed("response-success-status-removed", Error, Side::Client)
        }
        Kind::ResponseStatusRemoved { success: false } => return fixed("response-status-removed", Info, Side::None),
        Kind::ResponseMediaTypeAdded => return fixed("response-media-type-added", Info, Side::None),
        // A status that had no body now has one: implementations must produce it.
        Kind::ResponseBodyAdded => return fixed("response-body-added", Warning, Side::Server),
        Kind::ResponseBodyRemoved { success: true } => return fixed("response-body-removed", Error, Side::Client),
        Kind::ResponseBodyRemoved { success: false } => return fixed("response-body-removed", Info, Side::None),
        Kind::ResponseMediaTypeRemoved { success: true } => {
            return fixed("response-media-type-removed", Error, Side::Client)
        }
        Kind::ResponseMediaTypeRemoved { success: false } => {
            return fixed("response-error-media-type-removed", Info, Side::None)
        }
        Kind::ResponseHeaderAdded => return fixed("response-header-added", Info, Side::None),
        Kind::ResponseHeaderRemoved { required } => {
            return fixed("response-header-removed", if *required { Error } else { Warning }, Side::Client)
        }
        Kind::SecurityRequirementAdded => return fixed("security-requirement-added", Info, Side::None),
        Kind::SecurityRequirementRemoved => return fixed("security-requirement-removed", Error, Side::Client),
        Kind::SecuritySchemeAdded => return fixed("security-scheme-added", Info, Side::None),
        Kind::SecuritySchemeRemoved => return fixed("security-scheme-removed", Error, Side::Client),
        Kind::SecuritySchemeChanged => return fixed("security-scheme-changed", Error, Side::Client),
        _ => {}
    }
    let name = match kind {
        Kind::PropertyAdded { required: true } => "required-property-added",
        Kind::PropertyAdded { required: false } => "property-added",
        Kind::PropertyRemoved { required: true } => "required-property-removed",
        Kind::PropertyRemoved { required: false } => "property-removed",
        Kind::PropertyRenamed { .. } => "property-renamed",
        Kind::TypeReplaced => "type-replaced",
        Kind::PropertyBecameRequired => "property-became-required",
        Kind::PropertyBecameOptional => "property-became-optional",
        Kind::BecameNullable { .. } => "became-nullable",
        Kind::BecameNotNullable => "became-not-nullable",
        Kind::TypeChanged { .. } => "type-changed",
        Kind::DefaultChanged => "default-changed",
        Kind::EnumValueAdded => "enum-value-added",
        Kind::EnumValueRemoved => "enum-value-removed",
        Kind::EnumValueRenamed => "enum-value-renamed",
        Kind::VariantAdded { .. } => "union-variant-added",
        Kind::VariantRemoved => "union-variant-removed",
        Kind::VariantsOverlap => "union-variants-overlap",
        Kind::Constraint(Effect::Tightened) => "constraint-tightened",
        Kind::Constraint(Effect::Loosened) => "constraint-loosened",
        Kind::Constraint(Effect::Changed) => "constraint-changed",
        _ => "change",
    };
    let Some(dir) = dir else {
        return (format!("schema-{name}"), Info, Side::None);
    };
    let (level, side) = match (dir, kind) {
        (Dir::Request, Kind::PropertyAdded { required: true }) => (Error, Side::Client),
        (Dir::Request, Kind::PropertyAdded { required: false }) => (Info, Side::None),
        (Dir::Request, Kind::PropertyRemoved { .. }) => (Warning, Side::Client),
        (Dir::Request, Kind::PropertyRenamed { .. }) => (Error, Side::Client),
        // The use site's type changed identity; what that does on the wire is
        // reported by the comparison of the two types.
        (Dir::Request, Kind::TypeReplaced) => (Info, Side::None),
        (Dir::Request, Kind::PropertyBecameRequired) => (Error, Side::Client),
        (Dir::Request, Kind::PropertyBecameOptional) => (Warning, Side::Server),
        (Dir::Request, Kind::BecameNullable { .. }) => (Warning, Side::Server),
        (Dir::Request, Kind::BecameNotNullable) => (Error, Side::Client),
        (Dir::Request, Kind::TypeChanged { widen: Some(true) }) => (Warning, Side::Server),
        (Dir::Request, Kind::TypeChanged { widen: Some(false) }) => (Error, Side::Client),
        (Dir::Request, Kind::DefaultChanged) => (Warning, Side::Client),
        (Dir::Request, Kind::EnumValueAdded) => (Warning, Side::Server),
        (Dir::Request, Kind::EnumValueRemoved) => (Error, Side::Client),
        (Dir::Request, Kind::VariantAdded { .. }) => (Warning, Side::Server),
        (Dir::Request, Kind::VariantRemoved) => (Error, Side::Client),
        (Dir::Request, Kind::VariantsOverlap) => (Warning, Side::Server),
        (Dir::Request, Kind::Constraint(Effect::Tightened)) => (Error, Side::Client),
        (Dir::Request, Kind::Constraint(Effect::Loosened)) => (Warning, Side::Server),
        (Dir::Response, Kind::PropertyAdded { required: true }) => (Warning, Side::Server),
        (Dir::Response, Kind::PropertyAdded { required: false }) => (Info, Side::None),
        (Dir::Response, Kind::PropertyRemoved { required: true }) => (Error, Side::Client),
        (Dir::Response, Kind::PropertyRemoved { required: false }) => (Warning, Side::Client),
        // Old clients miss the old name; implementations must now produce
        // the new one when it is required.
        (Dir::Response, Kind::PropertyRenamed { required: true }) => (Error, Side::Both),
        (Dir::Response, Kind::PropertyRenamed { required: false }) => (Warning, Side::Client),
        // Implementations must produce values of the new type.
        (Dir::Response, Kind::TypeReplaced) => (Warning, Side::Server),
        (Dir::Response, Kind::PropertyBecameRequired) => (Warning, Side::Server),
        (Dir::Response, Kind::PropertyBecameOptional) => (Error, Side::Client),
        (Dir::Response, Kind::BecameNullable { was_option: false }) => (Error, Side::Client),
        (Dir::Response, Kind::BecameNullable { was_option: true }) => (Warning, Side::Client),
        (Dir::Response, Kind::BecameNotNullable) => (Warning, Side::Server),
        (Dir::Response, Kind::TypeChanged { widen: Some(true) }) => (Error, Side::Client),
        (Dir::Response, Kind::TypeChanged { widen: Some(false) }) => (Warning, Side::Server),
        (Dir::Response, Kind::DefaultChanged) => (Info, Side::None),
        // Closed enums (the default of most generators and strict SDKs)
        // reject a value they do not know; ours keep it (see `wire_note`).
        (Dir::Response, Kind::EnumValueAdded) => (Warning, Side::Client),
        (Dir::Response, Kind::EnumValueRemoved) => (Warning, Side::Server),
        // Closed unions reject a tag they do not know; ours keep it as JSON
        // (see `wire_note`). Untagged ones cannot decode a shape they do not
        // know, ours included.
        (Dir::Response, Kind::VariantAdded { tagged: true }) => (Warning, Side::Client),
        (Dir::Response, Kind::VariantAdded { tagged: false }) => (Error, Side::Client),
        (Dir::Response, Kind::VariantRemoved) => (Warning, Side::Server),
        (Dir::Response, Kind::VariantsOverlap) => (Warning, Side::Client),
        (Dir::Response, Kind::Constraint(Effect::Tightened)) => (Warning, Side::Server),
        (Dir::Response, Kind::Constraint(Effect::Loosened)) => (Warning, Side::Client),
        (Dir::Response, Kind::Constraint(Effect::Changed)) => (Warning, Side::Both),
        (_, Kind::TypeChanged { widen: None }) => (Error, Side::Both),
        (_, Kind::EnumValueRenamed) => (Error, Side::Both),
        (_, Kind::Constraint(Effect::Changed)) => (Error, Side::Both),
        _ => (Warning, Side::Both),
    };
    let prefix = match dir {
        Dir::Request => "request",
        Dir::Response => "response",
    };
    (format!("{prefix}-{name}"), level, side)
}

/// What a finding's message adds about our own generated code: the wire
/// level is judged for any client of the spec, and a few breaks do not reach
/// the clients this project generates.
pub(super) fn wire_note(kind: &Kind, dir: Option<Dir>) -> Option<&'static str> {
    match (dir?, kind) {
        (Dir::Response, Kind::EnumValueAdded) => Some(
            "clients with closed enums fail to decode it; the generated Rust client tolerates it \
             (unknown values decode into the enum's catch-all variant)",
        ),
        (Dir::Response, Kind::VariantAdded { tagged: true }) => Some(
            "clients with closed unions fail to decode the new tag; the generated Rust client tolerates it \
             (unknown tags are kept as JSON)",
        ),
        _ => None,
    }
}

/// Depth of `Option` the generated field has for a presence.
pub(super) fn option_depth(p: Presence) -> u8 {
    match p {
        Presence::Required => 0,
        Presence::RequiredNullable | Presence::Optional => 1,
        Presence::OptionalNullable => 2,
    }
}

pub(super) fn int_range(k: IntKind) -> (i128, i128) {
    match k {
        IntKind::I8 => (i8::MIN as i128, i8::MAX as i128),
        IntKind::I16 => (i16::MIN as i128, i16::MAX as i128),
        IntKind::I32 => (i32::MIN as i128, i32::MAX as i128),
        IntKind::I64 => (i64::MIN as i128, i64::MAX as i128),
        IntKind::U8 => (0, u8::MAX as i128),
        IntKind::U16 => (0, u16::MAX as i128),
        IntKind::U32 => (0, u32::MAX as i128),
        IntKind::U64 => (0, u64::MAX as i128),
    }
}

/// JSON-level class of a type, for widening and overlap questions.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Class {
    Any,
    /// Any object (free-form, map).
    AnyObject,
    /// An object with these required properties, accepting these (`None`: any).
    Object {
        required: BTreeSet<String>,
        props: Option<BTreeSet<String>>,
    },
    String,
    /// A subset of strings (uuid, date-time, an enum…).
    SomeStrings,
    Int(IntKind),
    Float(FloatKind),
    Bool,
    Array,
    Other,
}

pub(super) fn class(api: &Api, ty: &Ty) -> Class {
    match api.resolve_alias(ty) {
        Ty::Any => Class::Any,
        Ty::Object | Ty::Map(_) => Class::AnyObject,
        Ty::String => Class::String,
        Ty::Uuid | Ty::DateTime | Ty::Date | Ty::Base64 | Ty::Binary => Class::SomeStrings,
        Ty::Int(k) => Class::Int(*k),
        Ty::Float(k) => Class::Float(*k),
        Ty::Bool => Class::Bool,
        Ty::Array(_) => Class::Array,
        Ty::Option(inner) => class(api, inner),
        Ty::Named(id) => match &api.ty(*id).kind {
            TypeKind::Struct(s) => Class::Object {
                required: s.fields.iter().filter(|f| f.required).map(|f| f.wire.clone()).collect(),
                props: if s.additional.is_some() || !s.flattened.is_empty() {
                    None
                } else {
                    Some(s.fields.iter().map(|f| f.wire.clone()).collect())
                },
            },
            TypeKind::Enum(_) => Class::SomeStrings,
            TypeKind::Tagged(t) => Class::Object { required: BTreeSet::from([t.property.clone()]), props: None },
            TypeKind::Untagged(_) | TypeKind::Alias(_) => Class::Other,
        },
    }
}

/// Whether values of `new` are a superset (`Some(true)`) or subset
/// (`Some(false)`) of values of `old`; `None` when neither.
pub(super) fn widening(b: &Api, old: &Ty, h: &Api, new: &Ty) -> Option<bool> {
    match (class(b, old), class(h, new)) {
        (_, Class::Any) => Some(true),
        (Class::Any, _) => Some(false),
        (Class::Int(a), Class::Int(c)) => {
            let (ra, rc) = (int_range(a), int_range(c));
            if rc.0 <= ra.0 && rc.1 >= ra.1 {
                Some(true)
            } else if ra.0 <= rc.0 && ra.1 >= rc.1 {
                Some(false)
            } else {
                None
            }
        }
        (Class::Int(_), Class::Float(_)) => Some(true),
        (Class::Float(_), Class::Int(_)) => Some(false),
        (Class::Float(a), Class::Float(c)) => Some(a == FloatKind::F32 && c == FloatKind::F64),
        (Class::SomeStrings, Class::String) => Some(true),
        (Class::String, Class::SomeStrings) => Some(false),
        (Class::Object { .. }, Class::AnyObject) => Some(true),
        (Class::AnyObject, Class::Object { .. }) => Some(false),
        _ => None,
    }
}

/// Whether a value meant for variant `later` can be taken by `earlier`,
/// which untagged decoding tries first.
pub(super) fn captures(earlier: &Class, later: &Class) -> bool {
    match (earlier, later) {
        (Class::Any, _) => true,
        (Class::AnyObject, Class::AnyObject | Class::Object { .. }) => true,
        (Class::Object { required, .. }, Class::Object { props, .. }) => match props {
            None => true,
            Some(p) => required.is_subset(p),
        },
        (Class::Object { required, .. }, Class::AnyObject) => required.is_empty(),
        (Class::String | Class::SomeStrings, Class::String | Class::SomeStrings) => true,
        (Class::Int(_) | Class::Float(_), Class::Int(_) | Class::Float(_)) => true,
        (Class::Bool, Class::Bool) | (Class::Array, Class::Array) => true,
        _ => false,
    }
}
