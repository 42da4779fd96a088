//! scratch

#[cfg(test)]
mod tests {
    #[test]
    fn dump() {
        let src = std::fs::read_to_string("/tmp/scratch.ts").unwrap();
        let t = crate::lang::tree::parse(crate::lang::Language::TypeScript, &src).unwrap();
        println!("{}", t.root_node().to_sexp());
        let src = std::fs::read_to_string("/tmp/scratch.py").unwrap();
        let t = crate::lang::tree::parse(crate::lang::Language::Python, &src).unwrap();
        println!("{}", t.root_node().to_sexp());
    }
}
