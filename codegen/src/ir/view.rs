//! A flat, uniform view of an `openapiv3::Schema`.
//!
//! `openapiv3` splits schemas into typed variants and a catch-all; the builder
//! wants one shape with every keyword it reads, whichever variant carried it.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

pub(crate) type Props = IndexMap<String, ReferenceOr<Box<Schema>>>;

pub(crate) struct View<'a> {
    pub data: &'a SchemaData,
    pub typ: Option<&'a str>,
    /// Lowercased.
    pub format: Option<String>,
    pub enumeration: Vec<Value>,
    pub properties: Option<&'a Props>,
    pub required: &'a [String],
    pub additional: Option<&'a AdditionalProperties>,
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    pub unique_items: bool,
    pub one_of: &'a [ReferenceOr<Schema>],
    pub all_of: &'a [ReferenceOr<Schema>],
    pub any_of: &'a [ReferenceOr<Schema>],
    pub not: bool,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<f64>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<&'a str>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub min_properties: Option<usize>,
    pub max_properties: Option<usize>,
}

fn string_format(f: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(i) => Some(
            match i {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            }
            .to_string(),
        ),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.to_ascii_lowercase()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn number_format(f: &VariantOrUnknownOrEmpty<NumberFormat>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Some("float".into()),
        VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => Some("double".into()),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.to_ascii_lowercase()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn integer_format(f: &VariantOrUnknownOrEmpty<IntegerFormat>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32".into()),
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64".into()),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.to_ascii_lowercase()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn opt_values<T: Clone + Into<Value>>(v: &[Option<T>]) -> Vec<Value> {
    v.iter().map(|x| x.clone().map_or(Value::Null, Into::into)).collect()
}

const EMPTY: &[ReferenceOr<Schema>] = &[];

impl<'a> View<'a> {
    pub fn of(s: &'a Schema) -> View<'a> {
        let mut v = View {
            data: &s.schema_data,
            typ: None,
            format: None,
            enumeration: Vec::new(),
            properties: None,
            required: &[],
            additional: None,
            items: None,
            unique_items: false,
            one_of: EMPTY,
            all_of: EMPTY,
            any_of: EMPTY,
            not: false,
            minimum: None,
            maximum: None,
            exclusive_minimum: false,
            exclusive_maximum: false,
            multiple_of: None,
            min_length: None,
            max_length: None,
            pattern: None,
            min_items: None,
            max_items: None,
            min_properties: None,
            max_properties: None,
        };
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                v.typ = Some("string");
                v.format = string_format(&t.format);
                v.enumeration = opt_values(&t.enumeration);
                v.pattern = t.pattern.as_deref();
                v.min_length = t.min_length;
                v.max_length = t.max_length;
            }
            SchemaKind::Type(Type::Number(t)) => {
                v.minimum = t.minimum;
                v.maximum = t.maximum;
                v.exclusive_minimum = t.exclusive_minimum;
                v.exclusive_maximum = t.exclusive_maximum;
                v.multiple_of = t.multiple_of;
                v.typ = Some("number");
                v.format = number_format(&t.format);
                v.enumeration = t
                    .enumeration
                    .iter()
                    .map(|x| x.and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number))
                    .collect();
            }
            SchemaKind::Type(Type::Integer(t)) => {
                v.typ = Some("integer");
                v.format = integer_format(&t.format);
                v.minimum = t.minimum.map(|n| n as f64);
                v.maximum = t.maximum.map(|n| n as f64);
                v.exclusive_minimum = t.exclusive_minimum;
                v.exclusive_maximum = t.exclusive_maximum;
                v.multiple_of = t.multiple_of.map(|n| n as f64);
                v.enumeration = opt_values(&t.enumeration);
            }
            SchemaKind::Type(Type::Boolean(t)) => {
                v.typ = Some("boolean");
                v.enumeration = opt_values(&t.enumeration);
            }
            SchemaKind::Type(Type::Object(t)) => {
                v.typ = Some("object");
                v.properties = Some(&t.properties);
                v.required = &t.required;
                v.additional = t.additional_properties.as_ref();
                v.min_properties = t.min_properties;
                v.max_properties = t.max_properties;
            }
            SchemaKind::Type(Type::Array(t)) => {
                v.typ = Some("array");
                v.items = t.items.as_ref();
                v.unique_items = t.unique_items;
                v.min_items = t.min_items;
                v.max_items = t.max_items;
            }
            SchemaKind::OneOf { one_of } => v.one_of = one_of,
            SchemaKind::AllOf { all_of } => v.all_of = all_of,
            SchemaKind::AnyOf { any_of } => v.any_of = any_of,
            SchemaKind::Not { .. } => v.not = true,
            SchemaKind::Any(a) => {
                v.typ = a.typ.as_deref();
                v.format = a.format.as_ref().map(|f| f.to_ascii_lowercase());
                v.enumeration = a.enumeration.clone();
                if !a.properties.is_empty() {
                    v.properties = Some(&a.properties);
                }
                v.required = &a.required;
                v.additional = a.additional_properties.as_ref();
                v.items = a.items.as_ref();
                v.unique_items = a.unique_items.unwrap_or(false);
                v.one_of = &a.one_of;
                v.all_of = &a.all_of;
                v.any_of = &a.any_of;
                v.not = a.not.is_some();
                v.minimum = a.minimum;
                v.maximum = a.maximum;
                v.exclusive_minimum = a.exclusive_minimum.unwrap_or(false);
                v.exclusive_maximum = a.exclusive_maximum.unwrap_or(false);
                v.multiple_of = a.multiple_of;
                v.min_length = a.min_length;
                v.max_length = a.max_length;
                v.pattern = a.pattern.as_deref();
                v.min_items = a.min_items;
                v.max_items = a.max_items;
                v.min_properties = a.min_properties;
                v.max_properties = a.max_properties;
            }
        }
        v
    }

    pub fn has_properties(&self) -> bool {
        self.properties.is_some_and(|p| !p.is_empty())
    }

    /// Only documentation and nullability: nothing that constrains the shape.
    pub fn is_annotation_only(&self) -> bool {
        self.typ.is_none()
            && self.format.is_none()
            && self.enumeration.is_empty()
            && !self.has_properties()
            && self.additional.is_none()
            && self.items.is_none()
            && self.one_of.is_empty()
            && self.all_of.is_empty()
            && self.any_of.is_empty()
            && !self.not
    }
}
