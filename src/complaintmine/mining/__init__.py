"""What complaints say besides their labels: field extraction, private-data masking, the HTML report."""
