pub fn entry() {}
