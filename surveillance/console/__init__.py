"""The web console (`surveillance serve`): signals, their evidence and the verification workflow for the
provincial office, analysts and agency staff, each seeing what their role allows."""
