//! What a reporting period keeps at its close, and an indicator's history drawn from what
//! the closed periods kept.

use std::collections::HashMap;

use api_types::{BudgetLine, Indicator, IndicatorHistory, IndicatorSeries, PeriodRef, PlanTree};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::budget::PlanBudget;
use super::council::Decision;

/// The plan as it stood at the close of a period: what the council report and the
/// exports are made of "as at the end of the period". Stored as JSON with the period; a
/// proposal approved later changes none of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanAsAt {
    pub tree: PlanTree,
    /// Each action's and sub-action's indicators and budget lines.
    pub measures: HashMap<Uuid, (Vec<Indicator>, Vec<BudgetLine>)>,
    /// The latest note of each action's journal.
    pub latest_notes: HashMap<Uuid, String>,
    /// The proposals approved from the period's first day to its last.
    pub decisions: Vec<Decision>,
    pub budget: PlanBudget,
}

/// The history of an action's indicators across the closed periods (`kept`: each period,
/// oldest first, with the indicators it kept of the action, `None` when the action was not
/// in the plan then). Indicators come in the order they were last kept in.
pub fn indicator_history(kept: Vec<(PeriodRef, Option<Vec<Indicator>>)>) -> IndicatorHistory {
    let mut order: Vec<Uuid> = Vec::new();
    let mut series: HashMap<Uuid, IndicatorSeries> = HashMap::new();
    let count = kept.len();
    let mut periods = Vec::with_capacity(count);
    for (index, (period, indicators)) in kept.into_iter().enumerate() {
        periods.push(period);
        for indicator in indicators.unwrap_or_default() {
            let entry = series.entry(indicator.id).or_insert_with(|| {
                order.push(indicator.id);
                IndicatorSeries {
                    indicator_id: indicator.id,
                    name: indicator.name.clone(),
                    unit: indicator.unit.clone(),
                    target: indicator.target,
                    values: vec![None; count],
                }
            });
            // The latest name, unit and target are the ones shown.
            entry.name = indicator.name;
            entry.unit = indicator.unit;
            entry.target = indicator.target;
            entry.values[index] = indicator.current_value;
        }
    }
    IndicatorHistory {
        periods,
        indicators: order
            .into_iter()
            .filter_map(|id| series.remove(&id))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn period(n: u32) -> PeriodRef {
        PeriodRef {
            id: Uuid::from_u128(u128::from(n)),
            label: format!("T{n} 2027"),
            ends_on: NaiveDate::from_ymd_opt(2027, n * 3, 28).expect("a date"),
        }
    }

    fn indicator(id: u128, name: &str, value: Option<f64>) -> Indicator {
        Indicator {
            id: Uuid::from_u128(id),
            name: name.to_owned(),
            unit: Some("personnes".to_owned()),
            year: None,
            baseline: None,
            target: Some(50.0),
            current_value: value,
            measured_at: None,
            position: 0,
        }
    }

    #[test]
    fn each_indicator_has_one_value_per_period_and_none_where_it_was_not_kept() {
        let history = indicator_history(vec![
            (
                period(1),
                Some(vec![indicator(1, "Bénéficiaires", Some(10.0))]),
            ),
            (period(2), None),
            (
                period(3),
                Some(vec![
                    indicator(1, "Bénéficiaires accompagnés", Some(35.0)),
                    indicator(2, "Ateliers", None),
                ]),
            ),
        ]);
        assert_eq!(history.periods.len(), 3);
        let names: Vec<&str> = history.indicators.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Bénéficiaires accompagnés", "Ateliers"]);
        assert_eq!(history.indicators[0].values, [Some(10.0), None, Some(35.0)]);
        assert_eq!(history.indicators[1].values, [None, None, None]);
    }
}
