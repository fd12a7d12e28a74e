//! A move of a person to another community of the district (迁出 → 迁入): the sending community
//! records it, the person's file and open work follow at once, and the receiving community
//! acknowledges it and numbers the person in its own archive.

use super::record::RecordMeta;
use super::transition::TransitionError;

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferState {
    /// 待迁入: sent, not yet acknowledged by the receiving community.
    Pending,
    /// 已迁入: acknowledged.
    Received,
}

impl TransferState {
    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            TransferState::Pending => "pending",
            TransferState::Received => "received",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<TransferState> {
        Some(match s {
            "pending" => TransferState::Pending,
            "received" => TransferState::Received,
            _ => return None,
        })
    }

    /// String-table key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            TransferState::Pending => "transfer_state.pending",
            TransferState::Received => "transfer_state.received",
        }
    }

    /// 迁入: only a pending transfer is received, once.
    pub fn receive(self) -> Result<TransferState, TransitionError> {
        match self {
            TransferState::Pending => Ok(TransferState::Received),
            TransferState::Received => Err(TransitionError {
                record_key: "record.transfer",
                from_key: self.label_key(),
                event_key: "transfer_event.receive",
            }),
        }
    }
}

/// A stored transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// Identity and version.
    pub meta: RecordMeta,
    /// Who moves.
    pub person_id: String,
    /// The sending community.
    pub from_community: String,
    /// The receiving community.
    pub to_community: String,
    /// Why (搬迁、投靠子女 …), as typed.
    pub reason: String,
    /// Pending or received.
    pub state: TransferState,
    /// The 服务号 the person had in the sending community (kept, never reused).
    pub old_service_no: Option<String>,
    /// The 服务号 given by the receiving community on receipt.
    pub new_service_no: Option<String>,
    /// When it was sent (RFC 3339).
    pub sent_at: String,
    /// Who sent it.
    pub sent_by: String,
    /// When it was received.
    pub received_at: Option<String>,
    /// Who received it.
    pub received_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transfer_is_received_once() {
        assert_eq!(
            TransferState::Pending.receive(),
            Ok(TransferState::Received)
        );
        let e = TransferState::Received.receive().unwrap_err();
        assert_eq!(e.from_key, "transfer_state.received");
        for s in [TransferState::Pending, TransferState::Received] {
            assert_eq!(TransferState::from_code(s.code()), Some(s));
        }
        assert_eq!(TransferState::from_code("lost"), None);
    }
}
