//! What an imported file may hold. Every limit is checked while the file is read, before
//! anything grows with it: a file past one is refused at the first byte, row or cell that
//! crosses it, with a French message naming the limit.
//!
//! The largest real plan (Paliseul) has 160 rows and 14 columns; these limits are far
//! above any plan and far below what would hurt the server.

/// The uploaded file (CSV or XLSX), in bytes.
pub const MAX_FILE_BYTES: usize = 10 << 20;
/// One part of a workbook (a sheet, the shared strings…) once inflated, in bytes.
pub const MAX_PART_BYTES: u64 = 20 << 20;
/// All the parts of a workbook once inflated, in bytes.
pub const MAX_PACKAGE_BYTES: u64 = 50 << 20;
/// Parts in a workbook.
pub const MAX_PARTS: usize = 500;
/// Rows of the sheet or the CSV, the header included.
pub const MAX_ROWS: usize = 5_000;
/// Columns of the sheet or the CSV.
pub const MAX_COLUMNS: usize = 64;
/// Cells holding something (empty ones are not counted); also the most distinct texts a
/// workbook may share.
pub const MAX_CELLS: usize = 100_000;
/// Characters in one cell.
pub const MAX_CELL_CHARS: usize = 10_000;

/// `A1`-style reference of a 0-based cell position: `(0, 0)` is `A1`.
pub fn cell_reference(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_read_as_a_spreadsheet_writes_them() {
        assert_eq!(cell_reference(0, 0), "A1");
        assert_eq!(cell_reference(9, 25), "Z10");
        assert_eq!(cell_reference(0, 26), "AA1");
        assert_eq!(cell_reference(199_999, 51), "AZ200000");
        assert_eq!(cell_reference(1_048_575, 16_383), "XFD1048576");
    }
}
