//! GraphQL objects over the emulator's rows: the `Query` root, list rows, JSON-backed objects.

use super::context::Ctx;
use super::list::{self, ListArgs, ListKind};
use crate::condo::data::fields::{Field, Rec};
use crate::condo::errors::FieldFailure;
use apollo_compiler::executable::Type;
use apollo_compiler::resolvers::{FieldError, ObjectValue, ResolveInfo, ResolvedValue};
use apollo_compiler::response::JsonValue;
use serde_json::Value;
use std::borrow::Cow;

/// The `Query` root.
pub struct QueryRoot<'a> {
    /// The request context.
    pub ctx: &'a Ctx<'a>,
}

impl ObjectValue for QueryRoot<'_> {
    fn type_name(&self) -> &str {
        "Query"
    }

    fn resolve_field<'b>(&'b self, info: &'b ResolveInfo<'b>) -> Result<ResolvedValue<'b>, FieldError> {
        let ctx = self.ctx;
        let name = info.field_name();
        if name == "authenticatedUser" {
            return Ok(ResolvedValue::nullable_object(ctx.user.map(|u| RecordObj {
                ctx,
                rec: Rec::User(u),
                is_self: true,
            })));
        }
        if let Some(kind) = ListKind::from_all(name) {
            return list_field(ctx, kind, info);
        }
        if let Some(kind) = ListKind::from_meta(name) {
            let args = ListArgs::decode(info.arguments());
            return Ok(ResolvedValue::object(MetaObj { ctx, kind, args }));
        }
        if let Some(kind) = ListKind::from_item(name) {
            return item_field(ctx, kind, info);
        }
        Err(ctx.fail(FieldFailure::NotEmulated(format!("The query `{name}`"))))
    }
}

/// `allX(where, sortBy, first, skip)`: one page of rows.
fn list_field<'b>(ctx: &'b Ctx<'b>, kind: ListKind, info: &ResolveInfo<'_>) -> Result<ResolvedValue<'b>, FieldError> {
    ctx.require_user()?;
    let args = ListArgs::decode(info.arguments()).map_err(|f| ctx.fail(f))?;
    let page = ctx.lists.page(kind, &args).map_err(|f| ctx.fail(f))?;
    ctx.take(kind.key(), page.len())?;
    ctx.served_page(info.field_name());
    let rows = page.into_iter().map(move |rec| Ok(ResolvedValue::object(RecordObj { ctx, rec, is_self: false })));
    Ok(ResolvedValue::List(Box::new(rows)))
}

/// `X(where: { id })`: one row, or Keystone's access-denied error when it is not visible.
fn item_field<'b>(ctx: &'b Ctx<'b>, kind: ListKind, info: &ResolveInfo<'_>) -> Result<ResolvedValue<'b>, FieldError> {
    ctx.require_user()?;
    let filter = list::to_json(info.arguments().get("where"));
    let id = filter.get("id").and_then(Value::as_str).unwrap_or_default();
    let rec = ctx.lists.find(kind, id);
    let rec = rec.ok_or_else(|| {
        ctx.fail(FieldFailure::AccessDenied { operation: "query", target: info.field_name().to_owned() })
    })?;
    ctx.take(kind.key(), 1)?;
    Ok(ResolvedValue::object(RecordObj { ctx, rec, is_self: false }))
}

/// `_allXMeta(where)`: a `_QueryMeta` whose `count` is computed when selected.
struct MetaObj<'a> {
    ctx: &'a Ctx<'a>,
    kind: ListKind,
    args: Result<ListArgs, FieldFailure>,
}

impl ObjectValue for MetaObj<'_> {
    fn type_name(&self) -> &str {
        "_QueryMeta"
    }

    fn resolve_field<'b>(&'b self, info: &'b ResolveInfo<'b>) -> Result<ResolvedValue<'b>, FieldError> {
        let ctx = self.ctx;
        if info.field_name() != "count" {
            return Err(ctx.fail(FieldFailure::NotEmulated(format!("The field `_QueryMeta.{}`", info.field_name()))));
        }
        ctx.require_user()?;
        let args = self.args.as_ref().map_err(|f| ctx.fail(f.clone()))?;
        let count = ctx.lists.count(self.kind, args).map_err(|f| ctx.fail(f))?;
        Ok(ResolvedValue::leaf(count as i64))
    }
}

/// One row of a Keystone list.
pub struct RecordObj<'a> {
    /// The request context.
    pub ctx: &'a Ctx<'a>,
    /// The row.
    pub rec: Rec,
    /// The row is the signed-in user (whose phone and email are readable).
    pub is_self: bool,
}

impl ObjectValue for RecordObj<'_> {
    fn type_name(&self) -> &str {
        self.rec.type_name()
    }

    fn resolve_field<'b>(&'b self, info: &'b ResolveInfo<'b>) -> Result<ResolvedValue<'b>, FieldError> {
        let (ctx, name) = (self.ctx, info.field_name());
        if let Rec::User(user) = self.rec
            && matches!(name, "phone" | "email")
            && !self.is_self
            && ctx.user != Some(user)
        {
            return Err(ctx.fail(FieldFailure::AccessDenied { operation: "query", target: name.to_owned() }));
        }
        if let Rec::File(index) = self.rec
            && name == "file"
        {
            let json = ctx.store.file_json(index, &ctx.meta.base_url);
            return Ok(json_value(ctx, &info.field_definition().ty, Cow::Owned(json)));
        }
        let field = ctx.store.field(self.rec, name, ctx.lists.locale);
        let field = field.ok_or_else(|| {
            ctx.fail(FieldFailure::NotEmulated(format!("The field `{}.{name}`", self.rec.type_name())))
        })?;
        match field {
            Field::Scalar(scalar) => Ok(ResolvedValue::leaf(JsonValue::from(scalar.to_json()))),
            Field::Relation(None) => Ok(ResolvedValue::null()),
            Field::Relation(Some(rec))
                if (!ctx.lists.include_deleted && ctx.store.is_deleted(rec)) || !ctx.lists.readable(rec) =>
            {
                Ok(ResolvedValue::null())
            }
            Field::Relation(Some(rec)) => {
                ctx.take(rec.type_name(), 1)?;
                Ok(ResolvedValue::object(RecordObj { ctx, rec, is_self: false }))
            }
            Field::Object(json) => Ok(json_value(ctx, &info.field_definition().ty, json)),
        }
    }
}

/// Resolves JSON held by a row (such as `Property.map`) as the schema type `ty`.
pub fn json_value<'b>(ctx: &'b Ctx<'b>, ty: &Type, json: Cow<'b, Value>) -> ResolvedValue<'b> {
    let type_name = ty.inner_named_type();
    let is_object = ctx.schema.schema().get_object(type_name).is_some();
    match json {
        Cow::Borrowed(Value::Null) | Cow::Owned(Value::Null) => ResolvedValue::null(),
        Cow::Borrowed(Value::Array(items)) if ty.is_list() => {
            let item_ty = ty.item_type().clone();
            let items = items.iter().map(move |item| Ok(json_value(ctx, &item_ty, Cow::Borrowed(item))));
            ResolvedValue::List(Box::new(items))
        }
        Cow::Owned(Value::Array(items)) if ty.is_list() => {
            let item_ty = ty.item_type().clone();
            let items = items.into_iter().map(move |item| Ok(json_value(ctx, &item_ty, Cow::Owned(item))));
            ResolvedValue::List(Box::new(items))
        }
        json if is_object && json.is_object() => {
            ResolvedValue::object(JsonObj { ctx, type_name: type_name.to_string(), json })
        }
        json => ResolvedValue::leaf(JsonValue::from(json.into_owned())),
    }
}

/// An object type backed by JSON (`BuildingMap`, `BuildingSection`, `SenderField`, …).
pub struct JsonObj<'a> {
    /// The request context.
    pub ctx: &'a Ctx<'a>,
    /// The GraphQL object type.
    pub type_name: String,
    /// The JSON object.
    pub json: Cow<'a, Value>,
}

impl ObjectValue for JsonObj<'_> {
    fn type_name(&self) -> &str {
        &self.type_name
    }

    fn resolve_field<'b>(&'b self, info: &'b ResolveInfo<'b>) -> Result<ResolvedValue<'b>, FieldError> {
        let value = self.json.get(info.field_name()).unwrap_or(&Value::Null);
        Ok(json_value(self.ctx, &info.field_definition().ty, Cow::Borrowed(value)))
    }
}
