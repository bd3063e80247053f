//! Command arguments that fail to parse as the usual `{code, message, fields}` error.
//!
//! Tauri rejects an argument it cannot deserialize with a bare string ("invalid args `query`
//! for command …"). Every argument of our commands is an [`Arg`], which deserializes itself,
//! tracks where in the value it failed (serde_path_to_error) and answers with a `validation`
//! error naming that field, like every other failure.

use household_core::error::invalid_argument;
use household_core::{ApiError, AppError};
use serde::de::DeserializeOwned;
use specta::datatype::reference::Reference;
use specta::datatype::DataType;
use specta::{Generics, Type, TypeCollection};
use tauri::ipc::{CommandArg, CommandItem, InvokeError};
use tauri::Runtime;

/// A command argument (transparent to the TypeScript bindings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg<T>(pub T);

impl<T> Arg<T> {
    /// The parsed value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<'de, R: Runtime, T: DeserializeOwned> CommandArg<'de, R> for Arg<T> {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let key = command.key;
        serde_path_to_error::deserialize(command)
            .map(Arg)
            .map_err(|e| invalid(key, &e.path().to_string(), &e.into_inner().to_string()))
    }
}

impl<T: Type> Type for Arg<T> {
    fn inline(types: &mut TypeCollection, generics: Generics) -> DataType {
        T::inline(types, generics)
    }

    fn reference(types: &mut TypeCollection, generics: &[DataType]) -> Reference {
        T::reference(types, generics)
    }
}

/// `userId` (the IPC key) → `user_id` (the name the core and the forms use).
fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The `validation` error for an argument that did not parse: `path` is where inside the
/// argument it failed (`.` at its root), `detail` serde's explanation. The field naming is the
/// core's ([`household_core::error::invalid_argument`]), shared with the server's routes.
pub fn invalid(key: &str, path: &str, detail: &str) -> InvokeError {
    let key = snake(key);
    let inner = path.trim_matches('.');
    let error = if detail.starts_with("command ") && detail.contains("missing required key") {
        AppError::validation(key.clone(), format!("{key} is required."))
    } else if inner.is_empty() || inner == "?" {
        invalid_argument(&key, detail)
    } else {
        invalid_argument(&format!("{key}.{inner}"), detail)
    };
    match serde_json::to_value(ApiError::from(error)) {
        Ok(v) => InvokeError(v),
        Err(e) => InvokeError::from(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(e: InvokeError) -> ApiError {
        serde_json::from_value(e.0).expect("an ApiError")
    }

    #[test]
    fn a_bad_nested_value_names_its_field() {
        let e = parsed(invalid(
            "query",
            "page",
            "invalid value: integer `-1`, expected u32",
        ));
        assert_eq!(e.code, household_core::ErrorCode::Validation);
        assert_eq!(e.fields[0].field, "page");
        assert!(e.message.contains("expected u32"), "{}", e.message);
    }

    #[test]
    fn a_missing_field_and_a_missing_argument_are_named() {
        let e = parsed(invalid("input", ".", "missing field `email`"));
        assert_eq!(
            (e.fields[0].field.as_str(), e.message.as_str()),
            ("email", "email is required.")
        );
        let e = parsed(invalid(
            "userId",
            ".",
            "command admin_block_user missing required key userId",
        ));
        assert_eq!(
            (e.fields[0].field.as_str(), e.message.as_str()),
            ("user_id", "user_id is required.")
        );
    }
}
