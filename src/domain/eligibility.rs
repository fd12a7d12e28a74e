//! Who may be assessed into which of the six recipient categories (服务对象类别): the
//! conditions the plan sets, kept as catalogue data beside each category — the 救助身份 that
//! supports it, 生活不能自理 for category 3, 无独立生活能力 (全失能 or 半失能) with no guardian
//! or an incapable one for category 5, a non-local 户籍 for category 6.

use super::catalogue::{Catalogue, ListKind};
use super::person::PersonFacts;
use super::validation::{Field, Reason, ValidationError};

/// Checks that `facts` (with the self-care level assessed, else the one recorded) meet the
/// conditions of `category`; the refusal names the category field and the condition unmet.
pub fn check(
    cat: &Catalogue,
    category: &str,
    facts: &PersonFacts,
    assessed_self_care: Option<&str>,
) -> Result<(), ValidationError> {
    let Some(entry) = cat.get(ListKind::RecipientCategory, category) else {
        return Err(ValidationError::new(
            Field::Category,
            Reason::NotInCatalogue {
                code: category.to_string(),
            },
        ));
    };
    let refuse = |reason| Err(ValidationError::new(Field::Category, reason));
    if !entry.statuses.is_empty() && !entry.statuses.contains(&facts.assistance_status) {
        return refuse(Reason::CategoryStatus {
            status: facts.assistance_status.clone(),
            allowed: entry.statuses.clone(),
        });
    }
    let self_care = assessed_self_care.or(facts.self_care.as_deref());
    if !entry.self_care.is_empty()
        && !self_care.is_some_and(|s| entry.self_care.iter().any(|a| a == s))
    {
        return refuse(Reason::CategorySelfCare {
            allowed: entry.self_care.clone(),
        });
    }
    if !entry.guardian.is_empty()
        && !facts
            .guardian_status
            .as_deref()
            .is_some_and(|g| entry.guardian.iter().any(|a| a == g))
    {
        return refuse(Reason::CategoryGuardian {
            allowed: entry.guardian.clone(),
        });
    }
    if entry.non_local && facts.hukou_local {
        return refuse(Reason::CategoryNonLocal);
    }
    Ok(())
}

/// The categories `facts` may be assessed into, in catalogue order: what the assessment
/// form offers first.
pub fn open_categories<'c>(
    cat: &'c Catalogue,
    facts: &PersonFacts,
    assessed_self_care: Option<&str>,
) -> Vec<&'c str> {
    cat.entries(ListKind::RecipientCategory)
        .iter()
        .filter(|e| check(cat, &e.code, facts, assessed_self_care).is_ok())
        .map(|e| e.code.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: &str) -> PersonFacts {
        PersonFacts {
            name: "张三".into(),
            id_number: None,
            sex: None,
            birth_date: None,
            phone: None,
            address: None,
            community: "360104001001".into(),
            hukou_local: true,
            assistance_status: status.into(),
            assistance_certificate: None,
            self_care: None,
            disability_type: None,
            disability_grade: None,
            disability_cert: None,
            diseases: None,
            lives_alone: false,
            guardian_name: None,
            guardian_phone: None,
            guardian_status: None,
            emergency_contact: None,
            note: None,
        }
    }

    fn reason(category: &str, f: &PersonFacts, care: Option<&str>) -> Option<Reason> {
        check(Catalogue::builtin(), category, f, care)
            .err()
            .map(|e| e.reason)
    }

    #[test]
    fn a_category_needs_the_status_that_supports_it() {
        let cat = "minimum_living";
        assert_eq!(reason(cat, &facts("urban_minimum_living"), None), None);
        assert_eq!(reason(cat, &facts("rural_minimum_living"), None), None);
        assert!(matches!(
            reason(cat, &facts("none"), None),
            Some(Reason::CategoryStatus { status, .. }) if status == "none"
        ));
        assert!(reason("extreme_poverty", &facts("low_income"), None).is_some());
    }

    #[test]
    fn category_three_needs_a_person_who_cannot_care_for_themself() {
        let f = facts("low_income");
        let cat = "low_income_dependent";
        assert!(matches!(
            reason(cat, &f, None),
            Some(Reason::CategorySelfCare { .. })
        ));
        assert!(reason(cat, &f, Some("independent")).is_some());
        assert_eq!(reason(cat, &f, Some("partly_disabled")), None);
        let mut recorded = f.clone();
        recorded.self_care = Some("fully_disabled".into());
        assert_eq!(reason(cat, &recorded, None), None);
    }

    #[test]
    fn category_five_needs_no_guardian_or_an_incapable_one() {
        let cat = "no_independent_living";
        let mut f = facts("none");
        f.self_care = Some("fully_disabled".into());
        assert!(matches!(
            reason(cat, &f, None),
            Some(Reason::CategoryGuardian { .. })
        ));
        f.guardian_status = Some("capable".into());
        assert!(reason(cat, &f, None).is_some());
        for g in ["none", "incapable"] {
            f.guardian_status = Some(g.into());
            assert_eq!(reason(cat, &f, None), None, "{g}");
        }
        // 无独立生活能力: the plan counts 全失能 and 半失能 only.
        assert!(matches!(
            reason(cat, &f, Some("independent")),
            Some(Reason::CategorySelfCare { .. })
        ));
    }

    #[test]
    fn category_six_is_for_non_local_persons_stranded() {
        let mut f = facts("emergency_stranded");
        assert_eq!(
            reason("stranded_non_local", &f, None),
            Some(Reason::CategoryNonLocal)
        );
        f.hukou_local = false;
        assert_eq!(reason("stranded_non_local", &f, None), None);
        let open = open_categories(Catalogue::builtin(), &f, None);
        assert_eq!(open, ["stranded_non_local"]);
    }
}
