from shangwu.cli import main

main()
