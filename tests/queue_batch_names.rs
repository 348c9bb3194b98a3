//! Within one batch no two files share name and modification time: iCloud's registration answer
//! is matched to each file by exactly those two.

use photolift::queue::BatchNames;

#[test]
fn a_second_file_of_the_same_name_and_time_gets_a_copy_number() {
    let mut names = BatchNames::default();
    let t = 1_622_903_400_000.0;
    assert_eq!(names.unique("IMG_0001.jpg", t), "IMG_0001.jpg");
    assert_eq!(names.unique("IMG_0001.jpg", t), "IMG_0001 (2).jpg");
    assert_eq!(names.unique("IMG_0001.jpg", t), "IMG_0001 (3).jpg");
}

#[test]
fn the_same_name_at_another_time_is_already_unique() {
    let mut names = BatchNames::default();
    assert_eq!(names.unique("IMG_0001.jpg", 1.0), "IMG_0001.jpg");
    assert_eq!(names.unique("IMG_0001.jpg", 2.0), "IMG_0001.jpg");
}

#[test]
fn a_copy_number_never_takes_a_name_that_is_in_the_batch() {
    let mut names = BatchNames::default();
    let t = 5.0;
    assert_eq!(names.unique("IMG_0001 (2).jpg", t), "IMG_0001 (2).jpg");
    assert_eq!(names.unique("IMG_0001.jpg", t), "IMG_0001.jpg");
    assert_eq!(names.unique("IMG_0001.jpg", t), "IMG_0001 (3).jpg");
}

#[test]
fn names_without_an_extension_or_starting_with_a_dot() {
    let mut names = BatchNames::default();
    assert_eq!(names.unique("scan", 0.0), "scan");
    assert_eq!(names.unique("scan", 0.0), "scan (2)");
    assert_eq!(names.unique(".hidden", 0.0), ".hidden");
    assert_eq!(names.unique(".hidden", 0.0), ".hidden (2)");
}
