from talaka.cli import main

main()
