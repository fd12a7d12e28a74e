//! The one maker-checker rule (审批分离): whoever prepared a record (assessed a case,
//! submitted a settlement) may not also approve it. A small office with a single caseworker
//! may allow the exception in 系统设置; an approval made under it is marked on the record, so
//! the exception stays visible to every reader and every supervisor.

/// How an approval stands against the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// Approved by another account than the one that prepared it.
    Separate,
    /// Approved by the same account, as the workstation's setting allows.
    Exception,
}

/// The refusal: the approver prepared the record and the exception is off.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the account {account} prepared this record and may not approve it")]
pub struct SameAccount {
    /// The account that both prepared and tried to approve.
    pub account: String,
}

/// Checks `approver` against `preparer` (the account that prepared the record; `None` when
/// not known, as on records made before the rule — then nothing can be said against it).
pub fn check(
    preparer: Option<&str>,
    approver: &str,
    exception_allowed: bool,
) -> Result<Approval, SameAccount> {
    match preparer {
        Some(p) if p == approver => {
            if exception_allowed {
                Ok(Approval::Exception)
            } else {
                Err(SameAccount {
                    account: approver.to_string(),
                })
            }
        }
        _ => Ok(Approval::Separate),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_account_approves() {
        assert_eq!(check(Some("li"), "wang", false), Ok(Approval::Separate));
        assert_eq!(check(None, "wang", false), Ok(Approval::Separate));
    }

    #[test]
    fn the_same_account_is_refused_unless_the_exception_is_on() {
        assert_eq!(
            check(Some("wang"), "wang", false),
            Err(SameAccount {
                account: "wang".into()
            })
        );
        assert_eq!(check(Some("wang"), "wang", true), Ok(Approval::Exception));
    }
}
