//! Rules the server and the web app both apply, defined once here. The follow-up's flags
//! (`late`, `stale`, closed statuses) are SQL functions instead (migration `…_rules`):
//! the server reads them from the database, the web app from the server.

/// The mean progress of `count` actions whose progress adds up to `sum`, in percent,
/// rounded to one decimal (half away from zero), as every roll-up shows it; 0 without
/// actions.
pub fn mean_progress(sum: i64, count: i64) -> f64 {
    if count == 0 {
        return 0.0;
    }
    (sum as f64 / count as f64 * 10.0).round() / 10.0
}

/// The same mean rounded to a whole percent, as the council's report prints it; `None`
/// without actions.
pub fn whole_mean_progress(sum: i64, count: i64) -> Option<f64> {
    (count > 0).then(|| (sum as f64 / count as f64).round())
}

/// Lowercase without accents, to compare texts as people type them: the French (and
/// Dutch, German) letters of the plans and the names of organisations, by a small table
/// rather than Unicode normalisation, which would weigh on the web app. Ligatures
/// `œ`/`æ` become two letters, so "coeur" finds "cœur". It reads texts as `pst_fold` (SQL,
/// PostgreSQL's `unaccent`) does: `tests/api/rules.rs` runs both on the demo plans.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => folded.push('a'),
            'é' | 'è' | 'ê' | 'ë' => folded.push('e'),
            'î' | 'ï' | 'í' | 'ì' => folded.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'ø' => folded.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => folded.push('u'),
            'ÿ' | 'ý' => folded.push('y'),
            'ç' => folded.push('c'),
            'ñ' => folded.push('n'),
            'œ' => folded.push_str("oe"),
            'æ' => folded.push_str("ae"),
            'ß' => folded.push_str("ss"),
            // Typography as PostgreSQL's `unaccent` reads it: "l'action" typed finds
            // "l’action" written by a word processor.
            '’' | '‘' => folded.push('\''),
            '“' | '”' => folded.push('"'),
            '–' | '—' => folded.push('-'),
            '…' => folded.push_str("..."),
            '«' => folded.push_str("<<"),
            '»' => folded.push_str(">>"),
            other => folded.push(other),
        }
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mean_is_rounded_to_one_decimal_half_away_from_zero() {
        assert_eq!(mean_progress(0, 0), 0.0);
        assert_eq!(mean_progress(100, 3), 33.3);
        assert_eq!(mean_progress(200, 3), 66.7);
        assert_eq!(mean_progress(1, 4), 0.3);
        assert_eq!(whole_mean_progress(0, 0), None);
        assert_eq!(whole_mean_progress(101, 2), Some(51.0));
    }

    #[test]
    fn folding_ignores_case_and_accents() {
        assert_eq!(fold("Répassâge"), "repassage");
        assert_eq!(fold("DÉFITS Ça"), "defits ca");
        assert_eq!(fold("Cœur ÉLAN Ÿ"), "coeur elan y");
        assert_eq!(fold("Ordre"), "ordre");
    }
}
